"""The ServerApp `flwr run .` would use; flowersim's own server and strategy (the YAML's) replace it."""

from flwr.app import ArrayRecord, ConfigRecord, Context
from flwr.serverapp import Grid, ServerApp
from flwr.serverapp.strategy import FedAvg

from flower_pytorch_fmnist.task import initial_model

app = ServerApp()


@app.main()
def main(grid: Grid, context: Context) -> None:
    cfg = context.run_config
    strategy = FedAvg(fraction_train=float(cfg["fraction-train"]),
                      fraction_evaluate=float(cfg["fraction-evaluate"]))
    result = strategy.start(grid=grid, initial_arrays=ArrayRecord(initial_model().state_dict()),
                            train_config=ConfigRecord({"lr": float(cfg["learning-rate"])}),
                            num_rounds=int(cfg["num-server-rounds"]))
    print(result)
