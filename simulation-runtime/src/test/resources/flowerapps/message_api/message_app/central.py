"""Centralized evaluations (spec.flowerApp.evaluateFn) for the tests: values the tests can predict
from the global model and the round."""

import time

import numpy as np
from flwr.app import ArrayRecord, MetricRecord

not_callable = 3


def global_evaluate(server_round: int, arrays: ArrayRecord) -> MetricRecord:
    w = arrays["w"].numpy()
    steps = arrays["steps"].numpy()
    return MetricRecord({
        "loss": float(w.sum()) + server_round,
        "server-round": server_round,
        "steps": float(steps[0]),
        "steps-int64": int(steps.dtype == np.int64),
        "num-examples": 7,
        "curve": [1.0, 2.0],
    })


def every_other_round(server_round: int, arrays: ArrayRecord):
    return None if server_round % 2 else MetricRecord({"eval_loss": float(server_round)})


def raise_in_round_two(server_round: int, arrays: ArrayRecord) -> MetricRecord:
    if server_round == 2:
        raise ValueError("no central test set in round 2")
    return MetricRecord({"loss": 0.0})


def no_loss(server_round: int, arrays: ArrayRecord) -> MetricRecord:
    return MetricRecord({"accuracy": 0.5})


def hang_in_round_two(server_round: int, arrays: ArrayRecord) -> MetricRecord:
    if server_round == 2:
        time.sleep(600)
    return MetricRecord({"loss": 0.0})
