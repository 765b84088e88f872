"""flower_legacy.py KEY=VALUE...: the no-op workload through Flower's older simulation entry point,
flwr.simulation.start_simulation (deprecated since Flower 1.13 in favour of `flwr run`, still in
1.42): NumPyClient clients that return the parameters unchanged, the legacy FedAvg strategy, the
Ray backend in this process. Keys: clients, per-round, rounds, floats, cpus, client-cpus,
result-file. Round durations come from evaluate_fn (called after every round), as in the app."""
import json
import sys
import time

import numpy as np
import flwr
from flwr.client import NumPyClient
from flwr.server import ServerConfig
from flwr.server.strategy import FedAvg
from flwr.common import ndarrays_to_parameters


class NoOp(NumPyClient):
    def fit(self, parameters, config):
        return parameters, 1, {}

    def evaluate(self, parameters, config):
        return 0.5, 1, {}


def main():
    cfg = dict(a.split("=", 1) for a in sys.argv[1:])
    clients, per, rounds = int(cfg["clients"]), int(cfg["per-round"]), int(cfg["rounds"])
    marks = []

    def evaluate_fn(server_round, parameters, config):
        marks.append(time.perf_counter())
        return None

    strategy = FedAvg(fraction_fit=per / clients, fraction_evaluate=per / clients,
                      min_fit_clients=per, min_evaluate_clients=per,
                      min_available_clients=clients, evaluate_fn=evaluate_fn,
                      initial_parameters=ndarrays_to_parameters(
                          [np.zeros(int(cfg["floats"]), dtype=np.float32)]))
    start = time.perf_counter()
    flwr.simulation.start_simulation(
        client_fn=lambda context: NoOp().to_client(), num_clients=clients,
        config=ServerConfig(num_rounds=rounds), strategy=strategy,
        client_resources={"num_cpus": float(cfg.get("client-cpus", 1)), "num_gpus": 0.0},
        ray_init_args={"num_cpus": int(cfg.get("cpus", 2)), "include_dashboard": False})
    end = time.perf_counter()
    with open(cfg["result-file"], "w") as f:
        json.dump({"simulator": "flower-legacy", "workload": "noop", "rounds": rounds,
                   "per_round": per, "clients": clients,
                   "round_seconds": [b - a for a, b in zip(marks, marks[1:])],
                   "strategy_seconds": end - start, "test_accuracy": []}, f)


if __name__ == "__main__":
    main()
