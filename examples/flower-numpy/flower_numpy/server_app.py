"""The ServerApp `flwr run .` would use; flowersim's own server and strategy replace it.

``global_evaluate`` is the centralized evaluation both use: flowersim's server calls it as
spec.flowerApp.evaluateFn (Flower's evaluate_fn: round and ArrayRecord), this legacy FedAvg through
``evaluate_parameters``."""

from flwr.app import ArrayRecord, Context, MetricRecord
from flwr.common import ndarrays_to_parameters
from flwr.server import ServerApp, ServerAppComponents, ServerConfig
from flwr.server.strategy import FedAvg

from flower_numpy.task import central_test_set, initial_arrays, mse


def global_evaluate(server_round: int, arrays: ArrayRecord) -> MetricRecord:
    """The global model's squared error on the server's test set."""
    weights, bias = arrays.to_numpy_ndarrays()
    x, y = central_test_set()
    return MetricRecord({"loss": mse(weights, bias[0], x, y)})


def evaluate_parameters(server_round, parameters, config):
    """global_evaluate as the legacy strategies call their evaluate_fn: (loss, metrics)."""
    return global_evaluate(server_round, ArrayRecord(parameters))["loss"], {}


def server_fn(context: Context):
    strategy = FedAvg(fraction_fit=0.5, fraction_evaluate=0.5,
                      initial_parameters=ndarrays_to_parameters(initial_arrays()),
                      evaluate_fn=evaluate_parameters)
    return ServerAppComponents(strategy=strategy,
                               config=ServerConfig(num_rounds=int(context.run_config["num-server-rounds"])))


app = ServerApp(server_fn=server_fn)
