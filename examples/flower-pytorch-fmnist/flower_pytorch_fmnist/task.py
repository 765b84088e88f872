"""The model, each partition's data, training and evaluation.

Data: the IDX files of Debian's dataset-fashion-mnist (run-config data-dir), pixels / 255. The 60,000
training images and the 10,000 test images are each shuffled once with run-config seed and cut into
num-partitions equal IID partitions: a client trains on its share of the first and evaluates on its
share of the second (so the distributed accuracy is over test images no client trains on)."""

import gzip
import os

import numpy as np
import torch
from torch import nn

# Seed of the initial model: the same starting point under `flwr run` and under flowersim.
INIT_SEED = 42


class Net(nn.Module):
    """784-128-10 MLP with ReLU."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


def initial_model():
    """The global model's starting point, seeded (flowersim: spec.flowerApp.initialArrays).

    He-normal weights and zero biases, as the Java MLP (examples/fashion-mnist-mlp.yaml) starts
    from DJL's default: PyTorch's default uniform weights are 2.5 times smaller and learn slower in
    the few plain SGD steps a client takes per round (19 batches of 32).
    """
    torch.manual_seed(INIT_SEED)
    net = Net()
    for layer in (net.fc1, net.fc2):
        nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
        nn.init.zeros_(layer.bias)
    return net


def _idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    dims = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def _find(data_dir, base):
    for name in (base + ".gz", base):
        path = os.path.join(data_dir, name)
        if os.path.exists(path):
            return path
    raise FileNotFoundError(
        f"{base}(.gz) not in {data_dir}: apt-get install dataset-fashion-mnist, or set run-config data-dir")


# One copy of each set per process: a worker serves many clients.
_sets = {}


def _dataset(data_dir, split):
    """(x float32 [n, 784], y int64 [n]) of 'train' or 't10k'."""
    if (data_dir, split) not in _sets:
        x = _idx(_find(data_dir, f"{split}-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255.0
        y = _idx(_find(data_dir, f"{split}-labels-idx1-ubyte")).astype(np.int64)
        _sets[(data_dir, split)] = (torch.from_numpy(x), torch.from_numpy(y))
    return _sets[(data_dir, split)]


def _share(data_dir, split, partition_id, num_partitions, seed):
    x, y = _dataset(data_dir, split)
    order = np.random.default_rng(seed).permutation(len(y))
    part = torch.from_numpy(np.array_split(order, num_partitions)[partition_id])
    return x[part], y[part]


def load_data(data_dir, partition_id, num_partitions, seed):
    """((x, y) to train on, (x, y) to evaluate on) of one IID partition."""
    return (_share(data_dir, "train", partition_id, num_partitions, seed),
            _share(data_dir, "t10k", partition_id, num_partitions, seed))


def train(net, data, epochs, batch_size, learning_rate, seed):
    """Plain SGD, the examples reshuffled each epoch; the last epoch's mean loss."""
    x, y = data
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.SGD(net.parameters(), lr=learning_rate)
    loss_fn = nn.CrossEntropyLoss()
    net.train()
    mean = float("nan")
    for _ in range(epochs):
        order = torch.randperm(len(y), generator=generator)
        total = 0.0
        for start in range(0, len(y), batch_size):
            batch = order[start: start + batch_size]
            optimizer.zero_grad()
            loss = loss_fn(net(x[batch]), y[batch])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        mean = total / max(len(y), 1)
    return mean


@torch.no_grad()
def test(net, data):
    """(mean loss, accuracy)."""
    x, y = data
    net.eval()
    out = net(x)
    loss = nn.functional.cross_entropy(out, y).item()
    return loss, (out.argmax(1) == y).float().mean().item()
