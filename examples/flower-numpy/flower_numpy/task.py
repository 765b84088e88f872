"""The model and each client's data: y = X w + b + noise, one partition per client."""

import numpy as np

FEATURES = 4
TRUE_WEIGHTS = np.array([1.5, -2.0, 0.5, 3.0], dtype=np.float32)
TRUE_BIAS = 0.7


def initial_arrays():
    """The global model's starting point: weights and bias at zero."""
    return [np.zeros(FEATURES, dtype=np.float32), np.zeros(1, dtype=np.float32)]


def load_data(partition_id, num_partitions, examples):
    """A partition of its own: seeded by its id, its features shifted a little per partition."""
    rng = np.random.default_rng(1000 + partition_id)
    shift = (partition_id / max(1, num_partitions)) - 0.5
    x = rng.normal(shift, 1.0, size=(examples, FEATURES)).astype(np.float32)
    y = x @ TRUE_WEIGHTS + TRUE_BIAS + rng.normal(0, 0.1, size=examples).astype(np.float32)
    split = examples * 3 // 4
    return (x[:split], y[:split]), (x[split:], y[split:])


def central_test_set(examples=256):
    """The server's own test set: unshifted features, drawn from a seed no partition uses."""
    rng = np.random.default_rng(7)
    x = rng.normal(0.0, 1.0, size=(examples, FEATURES)).astype(np.float32)
    y = x @ TRUE_WEIGHTS + TRUE_BIAS + rng.normal(0, 0.1, size=examples).astype(np.float32)
    return x, y


def mse(weights, bias, x, y):
    return float(np.mean((x @ weights + bias - y) ** 2))


def train(weights, bias, x, y, epochs, learning_rate):
    """Full-batch gradient descent on the squared error."""
    for _ in range(epochs):
        error = x @ weights + bias - y
        weights = weights - learning_rate * (2 / len(y)) * (x.T @ error)
        bias = bias - learning_rate * 2 * np.mean(error)
    return weights.astype(np.float32), np.asarray(bias, dtype=np.float32).reshape(1)
