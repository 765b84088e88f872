"""flowersim's wire format between the Java driver and a Python worker, without pickling.

A payload is a JSON head and a data area: ``<u32 LE head length><head, UTF-8 JSON><data>``. The
head refers to bytes of the data area as ``{"at": offset, "n": length}``; arrays travel there as
raw little-endian values with their dtype and shape in the head. Over the local pool's pipes each
payload is framed as the Java worker pool frames it (``engine.pool.Frames``): a type byte and a
big-endian u32 length. Over Ray the payload is one ``bytes`` argument or return value.
"""

import json
import struct

import numpy as np

HELLO = 1
READY = 2
SETUP_FAILED = 3
MODEL = 4
CALL = 5
REPLY = 6


def encode(head, blobs=()):
    """The payload of ``head`` with ``blobs`` (bytes-like) concatenated in its data area."""
    head_bytes = json.dumps(head, allow_nan=True).encode("utf-8")
    return b"".join([struct.pack("<I", len(head_bytes)), head_bytes, *blobs])


def decode(payload):
    """(head, data) of a payload; ``data`` is a memoryview of the data area."""
    view = memoryview(payload)
    (length,) = struct.unpack_from("<I", view, 0)
    head = json.loads(bytes(view[4 : 4 + length]).decode("utf-8"))
    return head, view[4 + length :]


def blob(data, ref):
    """The bytes that ``ref`` ({"at", "n"}) names in ``data``, or None for a null ref."""
    if ref is None:
        return None
    return data[ref["at"] : ref["at"] + ref["n"]]


class Blobs:
    """Collects the data area while a head is built: ``add`` returns the ref to put in the head."""

    def __init__(self):
        self.parts = []
        self.size = 0

    def add(self, data):
        ref = {"at": self.size, "n": len(data)}
        self.parts.append(data)
        self.size += len(data)
        return ref


def read_frame(stream):
    """(type, payload) of the next frame, or None when the stream ended."""
    header = stream.read(5)
    if len(header) < 5:
        return None
    kind, length = struct.unpack(">bI", header)
    payload = stream.read(length)
    if len(payload) < length:
        return None
    return kind, payload


def write_frame(stream, kind, payload):
    stream.write(struct.pack(">bI", kind, len(payload)))
    stream.write(payload)
    stream.flush()


def model_arrays(head, data):
    """The global model of a MODEL payload: (names, arrays in their own dtypes, layout).

    The driver keeps every array as float32 (its model is one float array); each goes back to the
    client in the dtype the app first gave it (``layout[i]["dtype"]``).
    """
    layout = head["arrays"]
    values = np.frombuffer(data, dtype="<f4")
    names, arrays, offset = [], [], 0
    for entry in layout:
        shape = tuple(entry["shape"])
        size = int(np.prod(shape, dtype=np.int64))
        flat = values[offset : offset + size]
        offset += size
        dtype = np.dtype(entry["dtype"])
        if dtype == np.float32:
            array = flat.reshape(shape).copy()
        elif np.issubdtype(dtype, np.integer) or dtype == np.bool_:
            array = np.rint(flat).astype(dtype).reshape(shape)
        else:
            array = flat.astype(dtype).reshape(shape)
        names.append(entry["name"])
        arrays.append(array)
    return names, arrays, layout


def flat_values(arrays):
    """The arrays as the driver keeps a model: one little-endian float32 vector, in order."""
    flats = [np.ascontiguousarray(np.asarray(a), dtype="<f4").reshape(-1) for a in arrays]
    return np.concatenate(flats) if flats else np.zeros(0, dtype="<f4")


def arrays_payload(names, arrays, blobs):
    """The head entry of arrays sent to the driver: their layout and float32 values as one blob."""
    layout = []
    for name, array in zip(names, arrays):
        array = np.asarray(array)
        layout.append({"name": name, "shape": list(array.shape), "dtype": str(array.dtype)})
    return {"layout": layout, "values": blobs.add(flat_values(arrays).tobytes())}


class UpdateSum:
    """The example-weighted sum of a batch's fit updates, as the driver's UpdateSum makes it.

    The same arithmetic as engine's Java UpdateSum (float32 values times their examples, summed in
    float64 in the batch's order, the mean rounded once to float32), so a batch summed here gives
    the bits a Java actor's sum of the same updates gives.
    """

    def __init__(self):
        self.total = None
        self.examples = 0

    def add(self, values, examples):
        weighted = np.asarray(values, dtype=np.float64) * float(examples)
        self.total = weighted if self.total is None else self.total + weighted
        self.examples += int(examples)

    def payload(self, blobs):
        """The head entry of the mean (None when no update brought an example)."""
        if self.total is None or self.examples == 0:
            return None
        mean = (self.total / float(self.examples)).astype("<f4")
        return {"values": blobs.add(mean.tobytes()), "examples": self.examples}
