"""Fashion-MNIST clients as flowersim's fashion-mnist-mlp / -cnn tasks train them, in PyTorch.

Shared by the Flower app and the pfl script of bench/vs-flower. What is the same as flowersim:
the IDX files (Debian's dataset-fashion-mnist, pixels / 255, no normalization), each client's
training and held-out indices and the initial parameters (both exported by
io.flowersim.bench.ExportFashionMnistSplit), the networks (784-128-10 MLP with ReLU; CNN with two
5x5 convolutions of 32 and 64 channels, padding 2, ReLU, 2x2 max pooling, dense 512 and 10), the
loss (softmax cross-entropy, mean over the batch), plain SGD (no momentum, no weight decay), batch
size, local epochs and a reshuffle of the client's examples every epoch. What differs: the shuffle
order (flowersim draws it from Java's SplittableRandom; here numpy's generator with the same seed
formula) and the float arithmetic of the two PyTorch builds.
"""
import gzip
import json
import os

import numpy as np
import torch
from torch import nn

DATA_DIR = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")


def _idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    dims = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def _find(base):
    for name in (base + ".gz", base):
        p = os.path.join(DATA_DIR, name)
        if os.path.exists(p):
            return p
    raise FileNotFoundError(f"{base}(.gz) not in {DATA_DIR}: apt-get install dataset-fashion-mnist")


_cache = {}


def dataset(split):
    """(x float32 [n, 784] in [0, 1], y int64 [n]) of 'train' or 't10k'."""
    if split not in _cache:
        x = _idx(_find(f"{split}-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255.0
        y = _idx(_find(f"{split}-labels-idx1-ubyte")).astype(np.int64)
        _cache[split] = (torch.from_numpy(x), torch.from_numpy(y))
    return _cache[split]


def network(kind):
    if kind == "mlp":
        return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    if kind == "cnn":
        return nn.Sequential(
            nn.Unflatten(1, (1, 28, 28)),
            nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Flatten(), nn.Linear(64 * 7 * 7, 512), nn.ReLU(), nn.Linear(512, 10))
    raise ValueError(f"model: expected mlp or cnn, got {kind!r}")


def load_export(directory):
    """(split, initial arrays in flowersim's tensor order) from ExportFashionMnistSplit's files."""
    with open(os.path.join(directory, "partitions.json")) as f:
        split = json.load(f)
    with open(os.path.join(directory, "initial.json")) as f:
        tensors = json.load(f)
    flat = np.fromfile(os.path.join(directory, "initial.f32"), dtype="<f4")
    arrays = [flat[t["offset"]: t["offset"] + t["size"]].reshape(t["shape"]).copy()
              for t in tensors]
    return split, arrays


def get_arrays(model):
    return [p.detach().cpu().numpy().copy() for p in model.parameters()]


def set_arrays(model, arrays):
    params = list(model.parameters())
    if len(params) != len(arrays):
        raise ValueError(f"{len(arrays)} arrays for {len(params)} parameters")
    with torch.no_grad():
        for p, a in zip(params, arrays):
            if tuple(p.shape) != tuple(a.shape):
                raise ValueError(f"shape {a.shape} for parameter of shape {tuple(p.shape)}")
            p.copy_(torch.from_numpy(np.ascontiguousarray(a)))


def train(model, indices, epochs, batch_size, lr, seed):
    """Plain SGD over the client's examples, reshuffled each epoch; mean loss of the last epoch."""
    x, y = dataset("train")
    idx = np.asarray(indices, dtype=np.int64)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    rng = np.random.default_rng(seed)
    model.train()
    mean = float("nan")
    for _ in range(epochs):
        order = idx[rng.permutation(len(idx))]
        total, n = 0.0, 0
        for s in range(0, len(order), batch_size):
            b = torch.from_numpy(order[s: s + batch_size])
            opt.zero_grad()
            loss = loss_fn(model(x[b]), y[b])
            loss.backward()
            opt.step()
            total += loss.item() * len(b)
            n += len(b)
        mean = total / max(n, 1)
    return mean


@torch.no_grad()
def evaluate(model, indices=None, split="train"):
    """(mean loss, accuracy) on indices of split (None: all of it)."""
    x, y = dataset(split)
    if indices is not None:
        b = torch.as_tensor(np.asarray(indices, dtype=np.int64))
        x, y = x[b], y[b]
    model.eval()
    loss_sum, correct = 0.0, 0
    for s in range(0, len(y), 1000):
        out = model(x[s: s + 1000])
        loss_sum += nn.functional.cross_entropy(out, y[s: s + 1000], reduction="sum").item()
        correct += (out.argmax(1) == y[s: s + 1000]).sum().item()
    return loss_sum / max(len(y), 1), correct / max(len(y), 1)
