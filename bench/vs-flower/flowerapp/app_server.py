"""ServerApp of workload (e): FedAvg over an unchanged Flower App's ClientApp (copied next to this
file by flower_run.py), sampling as flowersim's spec does, with the app's own centralized evaluation
(server_app.global_evaluate, all 10,000 test images, as flowersim's spec.flowerApp.evaluateFn runs
it: before round 1 and after every round); times every round (a clock read as the evaluate_fn is
entered) and writes the durations and the centralized accuracy after each round to run-config
result-file (JSON), with the distributed one (the clients' eval_acc, as Flower aggregates it)."""
import json
import time

from flwr.app import ArrayRecord, Context
from flwr.serverapp import Grid, ServerApp
from flwr.serverapp.strategy import FedAvg

from flower_pytorch_fmnist.server_app import global_evaluate
from flower_pytorch_fmnist.task import initial_model

app = ServerApp()


@app.main()
def main(grid: Grid, context: Context) -> None:
    cfg = context.run_config
    clients, per_round, rounds = int(cfg["clients"]), int(cfg["per-round"]), int(cfg["rounds"])
    marks, central = [], {}

    def evaluate_fn(server_round, arrays):
        marks.append(time.perf_counter())
        central[server_round] = global_evaluate(server_round, arrays)
        return central[server_round]

    strategy = FedAvg(fraction_train=per_round / clients, fraction_evaluate=per_round / clients,
                      min_train_nodes=per_round, min_evaluate_nodes=per_round,
                      min_available_nodes=clients)
    start = time.perf_counter()
    result = strategy.start(grid=grid, initial_arrays=ArrayRecord(initial_model().state_dict()),
                            num_rounds=rounds, evaluate_fn=evaluate_fn)
    end = time.perf_counter()
    evaluated = result.evaluate_metrics_clientapp
    distributed = [float(evaluated[r]["eval_acc"]) for r in sorted(evaluated)
                   if "eval_acc" in evaluated[r]]
    accuracy = [float(central[r]["accuracy"]) for r in sorted(central) if r > 0]
    with open(cfg["result-file"], "w") as f:
        json.dump({"simulator": "flower", "workload": "pytorch-app", "rounds": rounds,
                   "per_round": per_round, "clients": clients,
                   "round_seconds": [b - a for a, b in zip(marks, marks[1:])],
                   "strategy_seconds": end - start, "test_accuracy": accuracy,
                   "distributed_accuracy": distributed}, f)
