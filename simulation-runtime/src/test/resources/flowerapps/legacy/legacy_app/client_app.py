import numpy as np
from flwr.app import ConfigRecord, Context
from flwr.client import NumPyClient
from flwr.clientapp import ClientApp


class Client(NumPyClient):
    def __init__(self, context):
        self.context = context
        self.partition = context.node_config["partition-id"]

    def get_parameters(self, config):
        return [np.full(3, 2.0, dtype=np.float32), np.zeros((2, 2), dtype=np.float32)]

    def fit(self, parameters, config):
        record = self.context.state.get("fits", ConfigRecord({"calls": 0}))
        record["calls"] = record["calls"] + 1
        self.context.state["fits"] = record
        step = self.context.run_config["step"]
        return ([p + step for p in parameters], 4,
                {"calls": record["calls"], "partition": self.partition, "note": "text",
                 "round": config["server_round"]})

    def evaluate(self, parameters, config):
        return float(parameters[0].sum()), 2, {"partition": self.partition}


def client_fn(context: Context):
    return Client(context).to_client()


app = ClientApp(client_fn=client_fn)
