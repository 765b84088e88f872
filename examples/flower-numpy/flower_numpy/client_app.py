"""The ClientApp: a NumPyClient built per call by client_fn, Flower's legacy API."""

from flwr.app import Context
from flwr.client import NumPyClient
from flwr.clientapp import ClientApp

from flower_numpy.task import initial_arrays, load_data, mse, train


class LinearClient(NumPyClient):
    def __init__(self, data, local_epochs, learning_rate, context):
        (self.x_train, self.y_train), (self.x_test, self.y_test) = data
        self.local_epochs = local_epochs
        self.learning_rate = learning_rate
        self.context = context

    def get_parameters(self, config):
        return initial_arrays()

    def fit(self, parameters, config):
        weights, bias = parameters
        weights, bias = train(weights, bias[0], self.x_train, self.y_train,
                              self.local_epochs, self.learning_rate)
        loss = mse(weights, bias[0], self.x_train, self.y_train)
        return [weights, bias], len(self.y_train), {"train_loss": loss}

    def evaluate(self, parameters, config):
        weights, bias = parameters
        loss = mse(weights, bias[0], self.x_test, self.y_test)
        return loss, len(self.y_test), {"mse": loss}


def client_fn(context: Context):
    partition_id = int(context.node_config["partition-id"])
    num_partitions = int(context.node_config["num-partitions"])
    data = load_data(partition_id, num_partitions, int(context.run_config["examples-per-client"]))
    return LinearClient(data, int(context.run_config["local-epochs"]),
                        float(context.run_config["learning-rate"]), context).to_client()


app = ClientApp(client_fn=client_fn)
