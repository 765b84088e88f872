"""``python -m flowersim_worker serve``: a worker of the local pool, speaking frames on stdin and
stdout; ``python -m flowersim_worker evaluate``: the driver's centralized evaluation
(spec.flowerApp.evaluateFn), framed the same way; ``python -m flowersim_worker check JSON``: what
``flowersim validate`` asks of the app.
"""

import ctypes
import json
import os
import signal
import sys
import threading
import time
import traceback

from . import wire
from .app import AppProblem, load, load_evaluate_fn
from .central import CentralEvaluation
from .clients import Runner
from .gpu import cap_memory


def hello_fields(head):
    return head["app"], head.get("clientApp"), head.get("runConfig"), head.get("initialArrays")


def check(arguments):
    """Prints {"problems": [...]} (or what the app is) as one JSON line; exit status 0 either way."""
    head = json.loads(arguments)
    result = {"problems": []}
    try:
        loaded = load(*hello_fields(head))
        result.update(kind=loaded.kind, clientApp=loaded.ref)
    except AppProblem as e:
        result["problems"].append({"field": e.field, "message": e.message})
    if head.get("evaluateFn") and not any(p["field"].endswith(".path") for p in result["problems"]):
        try:
            load_evaluate_fn(head["app"], head["evaluateFn"])
        except AppProblem as e:
            result["problems"].append({"field": e.field, "message": e.message})
    print(json.dumps(result), flush=True)


def die_with_parent():
    """A worker must not outlive the driver, even in the middle of a client's call."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        parent = os.getppid()

        def watch():
            while os.getppid() == parent:
                time.sleep(1)
            os._exit(0)

        threading.Thread(target=watch, daemon=True).start()


def frame_pipes():
    """(frames in, frames out): stdin and stdout carry only frames from now on; whatever the app
    prints (Python or native code) goes to stderr."""
    die_with_parent()
    frames_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    frames_in = os.fdopen(os.dup(0), "rb")
    return frames_in, frames_out


def hello(frames_in):
    """The HELLO head, or None when the driver closed the pipe first."""
    first = wire.read_frame(frames_in)
    if first is None:
        return None
    kind, payload = first
    if kind != wire.HELLO:
        raise SystemExit(f"expected HELLO, got frame type {kind}")
    head, _ = wire.decode(payload)
    return head


def setup_failed(frames_out, e):
    text = str(e) if isinstance(e, AppProblem) else traceback.format_exc()
    wire.write_frame(frames_out, wire.SETUP_FAILED, text.encode("utf-8"))
    raise SystemExit(1)


def calls(frames_in, frames_out, answer_call):
    """MODEL and CALL frames until the driver closes the pipe; each CALL answered with a REPLY."""
    model = None
    while True:
        frame = wire.read_frame(frames_in)
        if frame is None:
            return
        kind, payload = frame
        if kind == wire.MODEL:
            model = wire.model_arrays(*wire.decode(payload))
        elif kind == wire.CALL:
            wire.write_frame(frames_out, wire.REPLY, answer_call(payload, model))
        else:
            raise SystemExit(f"unexpected frame type {kind}")


def serve():
    frames_in, frames_out = frame_pipes()
    head = hello(frames_in)
    if head is None:
        return
    try:
        gpu_note = cap_memory(head.get("gpuMemory"))
        loaded = load(*hello_fields(head))
    except BaseException as e:
        setup_failed(frames_out, e)
    runner = Runner(loaded, head["numPartitions"])
    wire.write_frame(frames_out, wire.READY,
                     wire.encode({"kind": loaded.kind, "clientApp": loaded.ref, "pid": os.getpid(),
                                  "gpuMemory": gpu_note}))
    calls(frames_in, frames_out, lambda payload, model: answer(runner, payload, model))


def evaluate():
    """The centralized evaluation: HELLO names the app and its evaluateFn, imported once."""
    frames_in, frames_out = frame_pipes()
    head = hello(frames_in)
    if head is None:
        return
    try:
        central = CentralEvaluation(load_evaluate_fn(head["app"], head["evaluateFn"]))
    except BaseException as e:
        setup_failed(frames_out, e)
    wire.write_frame(frames_out, wire.READY, wire.encode({"pid": os.getpid()}))
    calls(frames_in, frames_out, central.answer)


def answer(runner, payload, model, node=None):
    """The REPLY payload of a CALL payload: one reply per call, in its order (and the node).

    A CALL with "sum" (fits of a strategy that needs only the mean of the updates) is answered
    with the example-weighted mean of its successful fits ("mean") instead of each one's arrays.
    """
    head, data = wire.decode(payload)
    blobs = wire.Blobs()
    summed = wire.UpdateSum() if head.get("sum") else None
    replies = [runner.call(head["op"], head["round"], call, model, data, blobs, summed)
               for call in head["calls"]]
    out = {"replies": replies, "node": node}
    if summed is not None:
        out["mean"] = summed.payload(blobs)
    return wire.encode(out, blobs.parts)


def exit_now():
    """The driver closed the pipe: nothing here is left to keep (client state, history and the
    model live in the driver), so skip the interpreter's teardown, which with torch loaded takes
    seconds that the driver would wait before it kills the process."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "serve":
        serve()
        exit_now()
    elif len(sys.argv) == 2 and sys.argv[1] == "evaluate":
        evaluate()
        exit_now()
    elif len(sys.argv) == 3 and sys.argv[1] == "check":
        check(sys.argv[2])
    else:
        raise SystemExit("usage: python -m flowersim_worker serve | evaluate | check JSON")
