"""One virtual client call, as Flower's simulation makes it: a Message to the ClientApp and a
Context for the client, its state restored from the driver's client state store and sent back.
"""

import os
import time
import traceback
import uuid

import numpy as np
from flwr.app import (
    DEFAULT_TTL,
    Array,
    ArrayRecord,
    ConfigRecord,
    Context,
    Message,
    MessageType,
    Metadata,
    RecordDict,
)
from flwr.common.constant import SUPERLINK_NODE_ID, MessageTypeLegacy
from flwr.common.serde import recorddict_from_proto, recorddict_to_proto
from flwr.compat.common.parameter import ndarrays_to_parameters, parameters_to_ndarrays
from flwr.compat.common.recorddict_compat import (
    evaluateins_to_recorddict,
    fitins_to_recorddict,
    getparametersins_to_recorddict,
    recorddict_to_evaluateres,
    recorddict_to_fitres,
    recorddict_to_getparametersres,
)
from flwr.compat.common.typing import Code, EvaluateIns, FitIns, GetParametersIns
from flwr.proto.recorddict_pb2 import RecordDict as ProtoRecordDict

from . import wire
from .app import LEGACY

FIT = "fit"
EVALUATE = "evaluate"
INITIAL = "initial"  # the initial global model, from one client (Flower's rule)

# Flower's Message-API strategies weight by this metric and leave it out of the aggregate.
NUM_EXAMPLES = "num-examples"
# The Message API has no loss of its own: Flower's templates report it as this metric.
EVAL_LOSS_METRICS = ("eval_loss", "loss")
# flowersim's strategies send server_round; the Message API's ConfigRecord has server-round.
SERVER_ROUND = "server_round"
MESSAGE_SERVER_ROUND = "server-round"


class ClientError(Exception):
    """What a client delivered that the server cannot use."""


def decode_state(data):
    if data is None or len(data) == 0:
        return RecordDict()
    return recorddict_from_proto(ProtoRecordDict.FromString(bytes(data)))


def encode_state(state):
    if state is None or len(state) == 0:
        return None
    return recorddict_to_proto(state).SerializeToString()


def numeric_metrics(values, skip=()):
    """The numbers among a record's values, as floats; the names of the others."""
    numbers, others = {}, []
    for key, value in values.items():
        if key in skip:
            continue
        if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
            numbers[key] = float(value)
        else:
            others.append(key)
    return numbers, others


class Runner:
    """Runs the calls of one worker process on its imported app."""

    def __init__(self, loaded, num_partitions):
        self.loaded = loaded
        self.num_partitions = num_partitions

    def context(self, client_id, state):
        node_config = {"partition-id": client_id, "num-partitions": self.num_partitions}
        return Context(
            run_id=0,
            node_id=client_id,
            node_config=node_config,
            state=state,
            run_config=dict(self.loaded.run_config),
        )

    def call(self, op, server_round, call, model, data, blobs, summed=None):
        """The reply head of one call (a failure is an error reply, never an exception).

        With ``summed`` (a ``wire.UpdateSum``), a fit's arrays go into that sum instead of the
        reply, once the whole call has succeeded.
        """
        start = time.time()
        client_id = call["client"]
        reply = {"pid": os.getpid()}
        try:
            context = self.context(client_id, decode_state(wire.blob(data, call.get("state"))))
            if op == INITIAL:
                names, arrays = self.initial(context)
            elif op == FIT:
                names, arrays, examples, metrics, dropped = self.fit(
                    server_round, call["config"], model, context
                )
                reply.update(examples=examples, metrics=metrics, dropped=dropped)
            elif op == EVALUATE:
                loss, examples, metrics, dropped = self.evaluate(
                    server_round, call["config"], model, context
                )
                names, arrays = None, None
                reply.update(loss=loss, examples=examples, metrics=metrics, dropped=dropped)
            else:
                raise ValueError(f"unknown operation {op}")
            state = encode_state(context.state)
            if arrays is not None and summed is not None and op == FIT:
                summed.add(wire.flat_values(arrays), reply["examples"])
            elif arrays is not None:
                reply["arrays"] = wire.arrays_payload(names, arrays, blobs)
            reply["state"] = blobs.add(state) if state is not None else None
        except BaseException as e:  # a client's failure is its own, whatever it raises
            reply = {
                "pid": os.getpid(),
                "error": f"{type(e).__name__}: {e}",
                "trace": traceback.format_exc(),
            }
        reply["start"] = int(start * 1000)
        reply["end"] = int(time.time() * 1000)
        return reply

    # ---- the operations -------------------------------------------------------------------

    def initial(self, context):
        if self.loaded.initial_arrays is not None:
            return initial_from(self.loaded.initial_arrays(), self.loaded)
        ins = GetParametersIns(config={})
        reply = self.send(MessageTypeLegacy.GET_PARAMETERS, getparametersins_to_recorddict(ins),
                          context, 0)
        res = recorddict_to_getparametersres(reply.content, keep_input=False)
        check_status(res.status, "get_parameters")
        arrays = parameters_to_ndarrays(res.parameters)
        return [str(i) for i in range(len(arrays))], arrays

    def fit(self, server_round, config, model, context):
        names, arrays, layout = model
        if self.loaded.kind == LEGACY:
            ins = FitIns(parameters=ndarrays_to_parameters(arrays), config=config)
            reply = self.send(MessageType.TRAIN, fitins_to_recorddict(ins, keep_input=False),
                              context, server_round)
            res = recorddict_to_fitres(reply.content, keep_input=False)
            check_status(res.status, "fit")
            out = parameters_to_ndarrays(res.parameters)
            # A NumPyClient's arrays have no names: they are the model's, in its order.
            out_names = list(names) if len(out) == len(names) else [str(i) for i in range(len(out))]
            metrics, dropped = numeric_metrics(res.metrics)
            examples = res.num_examples
        else:
            content = RecordDict({
                "arrays": array_record(names, arrays),
                "config": ConfigRecord(message_config(config, server_round)),
            })
            reply = self.send(MessageType.TRAIN, content, context, server_round)
            record = one_record(reply.content.array_records, "ArrayRecord", "train")
            out_names = list(record.keys())
            out = record.to_numpy_ndarrays()
            examples, metrics, dropped = message_metrics(reply.content, "train")
        check_layout(layout, out_names, out)
        return out_names, out, examples, metrics, dropped

    def evaluate(self, server_round, config, model, context):
        names, arrays, _ = model
        if self.loaded.kind == LEGACY:
            ins = EvaluateIns(parameters=ndarrays_to_parameters(arrays), config=config)
            reply = self.send(MessageType.EVALUATE, evaluateins_to_recorddict(ins, keep_input=False),
                              context, server_round)
            res = recorddict_to_evaluateres(reply.content)
            check_status(res.status, "evaluate")
            metrics, dropped = numeric_metrics(res.metrics)
            return float(res.loss), res.num_examples, metrics, dropped
        content = RecordDict({
            "arrays": array_record(names, arrays),
            "config": ConfigRecord(message_config(config, server_round)),
        })
        reply = self.send(MessageType.EVALUATE, content, context, server_round)
        examples, metrics, dropped = message_metrics(reply.content, "evaluate")
        for name in EVAL_LOSS_METRICS:
            if name in metrics:
                return metrics[name], examples, metrics, dropped
        raise ClientError(
            "the evaluate reply's MetricRecord has no eval_loss (or loss): flowersim records the "
            "round's distributed loss from it"
        )

    def send(self, message_type, content, context, server_round):
        # As the SuperLink delivers it: from the server's node, to this client's, the round as group.
        metadata = Metadata(run_id=context.run_id, message_id=uuid.uuid4().hex,
                            src_node_id=SUPERLINK_NODE_ID, dst_node_id=context.node_id,
                            reply_to_message_id="", group_id=str(server_round),
                            created_at=time.time(), ttl=DEFAULT_TTL, message_type=message_type)
        message = Message(content=content, metadata=metadata)
        reply = self.loaded.app(message, context)
        if not isinstance(reply, Message):
            raise ClientError(f"the ClientApp returned a {type(reply).__name__}, not a Message")
        if reply.has_error():
            raise ClientError(f"the ClientApp replied with an error: {reply.error.reason}")
        return reply


def array_record(names, arrays):
    return ArrayRecord({name: Array(np.asarray(a)) for name, a in zip(names, arrays)})


def message_config(config, server_round):
    """The ConfigRecord Flower's Message-API strategies send: the config plus server-round."""
    values = {k: v for k, v in config.items() if k != SERVER_ROUND}
    values[MESSAGE_SERVER_ROUND] = server_round
    return values


def message_metrics(content, what):
    record = one_record(content.metric_records, "MetricRecord", what)
    if NUM_EXAMPLES not in record:
        raise ClientError(
            f"the {what} reply's MetricRecord has no {NUM_EXAMPLES} (Flower's strategies weight "
            "by it)"
        )
    metrics, dropped = numeric_metrics(record, skip=(NUM_EXAMPLES,))
    return int(record[NUM_EXAMPLES]), metrics, dropped


def one_record(records, kind, what):
    if len(records) != 1:
        raise ClientError(f"the {what} reply has {len(records)} {kind}s; Flower's strategies "
                          f"expect exactly one")
    return next(iter(records.values()))


def check_status(status, what):
    if status.code != Code.OK:
        raise ClientError(f"{what} returned status {status.code.name}: {status.message}")


def check_layout(layout, names, arrays):
    """A fit's arrays must match the global model's names and shapes and be finite."""
    got = [(n, tuple(np.shape(a))) for n, a in zip(names, arrays)]
    expected = [(e["name"], tuple(e["shape"])) for e in layout]
    if got != expected:
        raise ClientError(f"fit returned arrays {got} but the global model is {expected}")
    for name, array in zip(names, arrays):
        array = np.asarray(array)
        if np.issubdtype(array.dtype, np.floating) and not np.all(np.isfinite(array)):
            raise ClientError(f"fit returned array {name} with values that are not finite; "
                              "not aggregated")


def initial_from(made, loaded):
    """Names and arrays from what spec.flowerApp.initialArrays made."""
    if isinstance(made, type):
        made = made()
    if hasattr(made, "state_dict") and callable(made.state_dict):  # a torch Module
        made = ArrayRecord(made.state_dict())
    if isinstance(made, ArrayRecord):
        return list(made.keys()), made.to_numpy_ndarrays()
    if isinstance(made, (list, tuple)) and all(isinstance(a, np.ndarray) for a in made):
        return [str(i) for i in range(len(made))], list(made)
    raise ClientError(
        f"spec.flowerApp.initialArrays made a {type(made).__name__}; expected an ArrayRecord, a "
        "list of NumPy arrays or a torch Module"
    )
