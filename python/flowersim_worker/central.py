"""``python -m flowersim_worker evaluate``: the driver's centralized evaluation of a Flower App.

One process per run imports spec.flowerApp.evaluateFn once and calls it, as Flower's strategies
call their ``evaluate_fn``, with the server round and the global model as an ``ArrayRecord``;
the reply is its ``MetricRecord`` as the driver records a centralized evaluation.
"""

import os
import traceback
from collections.abc import Mapping

from . import wire
from .clients import EVAL_LOSS_METRICS, NUM_EXAMPLES, array_record, numeric_metrics

FIELD = "spec.flowerApp.evaluateFn"


class CentralEvaluation:
    """Calls the imported evaluate_fn on each round's global model."""

    def __init__(self, evaluate_fn):
        self.evaluate_fn = evaluate_fn

    def call(self, server_round, model):
        """The reply head: loss, examples, metrics (and the non-numeric names), or none, or error."""
        reply = {"pid": os.getpid()}
        try:
            names, arrays, _ = model
            record = self.evaluate_fn(server_round, array_record(names, arrays))
            if record is None:  # Flower's evaluate_fn may decline a round
                reply["none"] = True
                return reply
            if not isinstance(record, Mapping):
                raise TypeError(f"returned a {type(record).__name__}, not a MetricRecord")
            metrics, dropped = numeric_metrics(record, skip=(NUM_EXAMPLES,))
            loss = next((metrics[k] for k in EVAL_LOSS_METRICS if k in metrics), None)
            if loss is None:
                raise ValueError("its MetricRecord has no loss (or eval_loss): flowersim records "
                                 "the round's centralized loss from it")
            examples = record.get(NUM_EXAMPLES, 0)
            reply.update(loss=loss, examples=int(examples), metrics=metrics, dropped=dropped)
        except BaseException as e:  # the app's code may raise anything; the driver fails the run
            reply = {"pid": os.getpid(), "error": f"{type(e).__name__}: {e}",
                     "trace": traceback.format_exc()}
        return reply

    def answer(self, payload, model):
        head, _ = wire.decode(payload)
        return wire.encode(self.call(head["round"], model))
