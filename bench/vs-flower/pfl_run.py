"""pfl_run.py KEY=VALUE...: one workload in Apple's pfl (pfl-research), PyTorch, simulated backend.

workload=mlp|cnn: FedAvg (pfl's FederatedAveraging: the average of the clients' model differences
applied by central SGD with learning rate 1, i.e. FedAvg) over the clients' training indices and
initial parameters exported from flowersim (export-dir), local plain SGD with lr, batch-size,
local-epochs; per-round cohort of per-round clients drawn at random; central evaluation on the 10k
test set after every round.
workload=noop: pfl has no way to run a client without local training, so the nearest it can express
is a 1-parameter-tensor model of `floats` floats, one example per client, learning rate 0 and one
local step: the update is zero, but pfl still runs a forward and backward pass per client.
Writes result-file (JSON): round durations (from the per-round callback), test accuracy."""
import json
import sys
import time

import numpy as np
import torch
from pfl.aggregate.simulate import SimulatedBackend
from pfl.algorithm import FederatedAveraging, NNAlgorithmParams
from pfl.callback.base import TrainingProcessCallback
from pfl.callback.central_evaluation import CentralEvaluationCallback
from pfl.data.dataset import Dataset
from pfl.data.federated_dataset import FederatedDataset
from pfl.data.sampling import get_user_sampler
from pfl.hyperparam import NNEvalHyperParams, NNTrainHyperParams
from pfl.metrics import Metrics, Weighted
from pfl.model.pytorch import PyTorchModel

import fmnist


class Classifier(torch.nn.Module):
    """The network plus the loss/metrics methods pfl's PyTorchModel calls."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x)

    def loss(self, x, y, eval=False):
        self.eval() if eval else self.train()
        return torch.nn.functional.cross_entropy(self(x), y)

    @torch.no_grad()
    def metrics(self, x, y, eval=False):
        self.eval() if eval else self.train()
        out = self(x)
        loss = torch.nn.functional.cross_entropy(out, y, reduction="sum").item()
        correct = (out.argmax(1) == y).sum().item()
        return {"loss": Weighted(loss, len(y)), "accuracy": Weighted(correct, len(y))}


class NoOpModel(torch.nn.Module):
    def __init__(self, floats):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(floats))

    def loss(self, x, eval=False):
        return (self.w[:1] * x).sum()

    @torch.no_grad()
    def metrics(self, x, eval=False):
        return {"loss": Weighted(0.5, 1)}


class RoundClock(TrainingProcessCallback):
    def __init__(self):
        self.marks = [time.perf_counter()]

    def after_central_iteration(self, aggregate_metrics, model, *, central_iteration):
        self.marks.append(time.perf_counter())
        return False, Metrics()


def main():
    cfg = dict(a.split("=", 1) for a in sys.argv[1:])
    torch.set_num_threads(int(cfg.get("torch-threads", 2)))
    torch.manual_seed(int(cfg.get("seed", 42)))
    np.random.seed(int(cfg.get("seed", 42)))
    workload, clients, per_round = cfg["workload"], int(cfg["clients"]), int(cfg["per-round"])
    rounds = int(cfg["rounds"])
    callbacks = [RoundClock()]
    if workload == "noop":
        net = NoOpModel(int(cfg["floats"]))
        one = torch.ones(1)
        make = lambda uid: Dataset(raw_data=[one], user_id=uid)
        train_params = NNTrainHyperParams(local_num_epochs=1, local_learning_rate=0.0,
                                          local_batch_size=None)
        eval_params = NNEvalHyperParams(local_batch_size=None)
    else:
        split, initial = fmnist.load_export(cfg["export-dir"])
        net = Classifier(fmnist.network(workload))
        fmnist.set_arrays(net.net, initial)
        x, y = fmnist.dataset("train")
        train_idx = [torch.as_tensor(np.asarray(t, dtype=np.int64)) for t in split["train"]]
        make = lambda uid: Dataset(raw_data=[x[train_idx[uid]], y[train_idx[uid]]], user_id=uid)
        train_params = NNTrainHyperParams(local_num_epochs=int(cfg["local-epochs"]),
                                          local_learning_rate=float(cfg["lr"]),
                                          local_batch_size=int(cfg["batch-size"]))
        eval_params = NNEvalHyperParams(local_batch_size=1000)
        xt, yt = fmnist.dataset("t10k")
        callbacks.append(CentralEvaluationCallback(Dataset(raw_data=[xt, yt]),
                                                   model_eval_params=eval_params, frequency=1))
    data = FederatedDataset(make, get_user_sampler("random", list(range(clients))))
    model = PyTorchModel(model=net, local_optimizer_create=torch.optim.SGD,
                         central_optimizer=torch.optim.SGD(net.parameters(), lr=1.0))
    params = NNAlgorithmParams(central_num_iterations=rounds, evaluation_frequency=rounds + 1,
                               train_cohort_size=per_round, val_cohort_size=0)
    start = time.perf_counter()
    FederatedAveraging().run(algorithm_params=params, backend=SimulatedBackend(
        training_data=data, val_data=None), model=model, model_train_params=train_params,
        model_eval_params=eval_params, callbacks=callbacks)
    end = time.perf_counter()
    marks = callbacks[0].marks
    accuracy = []
    if workload != "noop":
        _, acc = fmnist.evaluate(net.net, None, split="t10k")
        accuracy.append(acc)
    with open(cfg["result-file"], "w") as f:
        json.dump({"simulator": "pfl", "workload": workload, "rounds": rounds,
                   "per_round": per_round, "clients": clients,
                   "round_seconds": [b - a for a, b in zip(marks, marks[1:])],
                   "strategy_seconds": end - start, "test_accuracy": accuracy}, f)


if __name__ == "__main__":
    main()
