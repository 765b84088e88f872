"""ServerApp: FedAvg for run-config rounds; times every round (the centralized evaluate_fn runs at
the end of each round, so the gaps between its calls are the rounds' durations) and writes them,
with the test accuracy for Fashion-MNIST, to run-config result-file (JSON)."""
import json
import time

import numpy as np
from flwr.app import ArrayRecord, ConfigRecord, Context, MetricRecord
from flwr.serverapp import Grid, ServerApp
from flwr.serverapp.strategy import FedAvg

app = ServerApp()


@app.main()
def main(grid: Grid, context: Context) -> None:
    cfg = context.run_config
    workload = cfg["workload"]
    clients = int(cfg["clients"])
    per_round = int(cfg["per-round"])
    rounds = int(cfg["rounds"])
    model = None
    if workload == "noop":
        initial = [np.zeros(int(cfg["floats"]), dtype=np.float32)]
    else:
        import torch
        from fsbench import fmnist
        torch.set_num_threads(int(cfg.get("torch-threads", 1)))
        _, initial = fmnist.load_export(cfg["export-dir"])
        model = fmnist.network(workload)
    marks, accuracy = [], []

    def evaluate_fn(server_round, arrays):
        marks.append(time.perf_counter())
        if model is None:
            return None
        from fsbench import fmnist
        fmnist.set_arrays(model, arrays.to_numpy_ndarrays())
        loss, acc = fmnist.evaluate(model, None, split="t10k")
        accuracy.append(acc)
        return MetricRecord({"test_loss": loss, "test_accuracy": acc})

    strategy = FedAvg(fraction_train=per_round / clients, fraction_evaluate=per_round / clients,
                      min_train_nodes=per_round, min_evaluate_nodes=per_round,
                      min_available_nodes=clients)
    start = time.perf_counter()
    strategy.start(grid=grid, initial_arrays=ArrayRecord(initial), num_rounds=rounds,
                   evaluate_fn=evaluate_fn)
    end = time.perf_counter()
    # marks[0] is before round 1 (initial evaluation), marks[r] at the end of round r
    durations = [b - a for a, b in zip(marks, marks[1:])]
    with open(cfg["result-file"], "w") as f:
        json.dump({"simulator": "flower", "workload": workload, "rounds": rounds,
                   "per_round": per_round, "clients": clients,
                   "round_seconds": durations, "strategy_seconds": end - start,
                   "test_accuracy": accuracy}, f)
