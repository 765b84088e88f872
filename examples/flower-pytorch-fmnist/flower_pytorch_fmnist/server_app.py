"""The ServerApp `flwr run .` would use; flowersim's own server and strategy (the YAML's) replace it.

``global_evaluate`` is the centralized evaluation both use: Flower's strategy calls it as its
``evaluate_fn``, flowersim's server as spec.flowerApp.evaluateFn (round 0, then every round)."""

from flwr.app import ArrayRecord, ConfigRecord, Context, MetricRecord
from flwr.serverapp import Grid, ServerApp
from flwr.serverapp.strategy import FedAvg

from flower_pytorch_fmnist.task import Net, _dataset, initial_model, test

# evaluate_fn gets no Context: the test set is read where pyproject.toml's data-dir says by default
# (under `flwr run`, main() passes the run config's data-dir instead).
DATA_DIR = "/usr/share/datasets/fashion-mnist"

app = ServerApp()


def evaluate_on(data_dir: str, arrays: ArrayRecord) -> MetricRecord:
    """The global model's loss and accuracy on all 10,000 test images."""
    net = Net()
    net.load_state_dict(arrays.to_torch_state_dict())
    loss, accuracy = test(net, _dataset(data_dir, "t10k"))
    return MetricRecord({"loss": loss, "accuracy": accuracy})


def global_evaluate(server_round: int, arrays: ArrayRecord) -> MetricRecord:
    """Flower's evaluate_fn on the whole Fashion-MNIST test set."""
    return evaluate_on(DATA_DIR, arrays)


@app.main()
def main(grid: Grid, context: Context) -> None:
    cfg = context.run_config
    strategy = FedAvg(fraction_train=float(cfg["fraction-train"]),
                      fraction_evaluate=float(cfg["fraction-evaluate"]))
    result = strategy.start(grid=grid, initial_arrays=ArrayRecord(initial_model().state_dict()),
                            train_config=ConfigRecord({"lr": float(cfg["learning-rate"])}),
                            num_rounds=int(cfg["num-server-rounds"]),
                            evaluate_fn=lambda server_round, arrays: evaluate_on(
                                str(cfg["data-dir"]), arrays))
    print(result)
