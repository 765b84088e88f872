"""The ServerApp `flwr run .` would use; flowersim's own server and strategy replace it."""

from flwr.app import Context
from flwr.server import ServerApp, ServerAppComponents, ServerConfig
from flwr.server.strategy import FedAvg

from flower_numpy.task import initial_arrays
from flwr.common import ndarrays_to_parameters


def server_fn(context: Context):
    strategy = FedAvg(fraction_fit=0.5, fraction_evaluate=0.5,
                      initial_parameters=ndarrays_to_parameters(initial_arrays()))
    return ServerAppComponents(strategy=strategy,
                               config=ServerConfig(num_rounds=int(context.run_config["num-server-rounds"])))


app = ServerApp(server_fn=server_fn)
