"""A Ray actor of flowersim's Ray backend for a Flower App: the Java driver creates it through Ray's
cross-language API (``PyActorClass.of("flowersim_worker.ray_actor", "ClientActor")``), reserving
one client's CPUs, GPUs and memory, and calls it with bytes only: the HELLO payload once, then a
CALL payload and the round's MODEL payload (one object in Ray's object store, by reference) per
batch, answered with a REPLY payload, all in the local pool's wire format (``wire``). Nothing is
pickled; Ray's cross-language serializer moves ``bytes`` as they are.
"""

import os
import traceback

import ray

from . import wire
from .__main__ import answer, hello_fields
from .app import AppProblem, load
from .clients import Runner
from .gpu import cap_memory


class ClientActor:
    """Imports the ClientApp once, when Ray starts the actor, then runs batches of its clients.

    An app that cannot be imported does not kill the actor: ``ready`` says why, and every client
    sent to it fails with that reason (a replacement actor would fail the same way).
    """

    def __init__(self, hello):
        head, _ = wire.decode(hello)
        self.node = ray.get_runtime_context().get_node_id()
        self.problem = None
        self.runner = None
        self.kind = None
        self.gpu_note = None
        try:
            self.gpu_note = cap_memory(head.get("gpuMemory"))
            loaded = load(*hello_fields(head))
            self.runner = Runner(loaded, head["numPartitions"])
            self.kind = loaded.kind
        except BaseException as e:  # the app's import-time code may raise anything
            self.problem = str(e) if isinstance(e, AppProblem) else traceback.format_exc()

    def ready(self):
        """READY: which API the app uses, this process and node, or the import problem."""
        return wire.encode({"kind": self.kind, "pid": os.getpid(), "node": self.node,
                            "error": self.problem, "gpuMemory": self.gpu_note})

    def call(self, payload, model):
        """The REPLY to a CALL payload on the MODEL payload ``model`` (empty: no model)."""
        if self.problem is not None:
            head, _ = wire.decode(payload)
            replies = [{"pid": os.getpid(), "error": "the Ray actor could not import the app",
                        "trace": self.problem, "start": 0, "end": 0} for _ in head["calls"]]
            return wire.encode({"replies": replies, "node": self.node})
        arrays = wire.model_arrays(*wire.decode(model)) if model else None
        return answer(self.runner, payload, arrays, node=self.node)
