"""ClientApp: no-op clients (return the parameters unchanged) or Fashion-MNIST clients that train
and evaluate exactly the examples flowersim gives the same partition (see ../fmnist.py)."""
import numpy as np
from flwr.app import ArrayRecord, Context, Message, MetricRecord, RecordDict
from flwr.clientapp import ClientApp

app = ClientApp()
_state = {}


def _setup(context):
    cfg = context.run_config
    if "split" not in _state and cfg["workload"] != "noop":
        import torch
        from fsbench import fmnist
        torch.set_num_threads(int(cfg.get("torch-threads", 1)))
        _state["split"], _ = fmnist.load_export(cfg["export-dir"])
        _state["model"] = fmnist.network(cfg["workload"])
    return cfg


@app.train()
def train(msg: Message, context: Context) -> Message:
    cfg = _setup(context)
    if cfg["workload"] == "noop":
        content = RecordDict({"arrays": msg.content["arrays"],
                              "metrics": MetricRecord({"num-examples": 1})})
        return Message(content=content, reply_to=msg)
    from fsbench import fmnist
    p = int(context.node_config["partition-id"])
    model = _state["model"]
    fmnist.set_arrays(model, msg.content["arrays"].to_numpy_ndarrays())
    server_round = int(msg.content["config"]["server-round"])
    idx = _state["split"]["train"][p]
    loss = fmnist.train(model, idx, int(cfg["local-epochs"]), int(cfg["batch-size"]),
                        float(cfg["lr"]), seed=int(cfg["seed"]) * 1_000_003 + p * 7919 + server_round)
    content = RecordDict({"arrays": ArrayRecord(fmnist.get_arrays(model)),
                          "metrics": MetricRecord({"num-examples": len(idx), "train_loss": loss})})
    return Message(content=content, reply_to=msg)


@app.evaluate()
def evaluate(msg: Message, context: Context) -> Message:
    cfg = _setup(context)
    if cfg["workload"] == "noop":
        content = RecordDict({"metrics": MetricRecord({"num-examples": 1, "eval_loss": 0.5})})
        return Message(content=content, reply_to=msg)
    from fsbench import fmnist
    p = int(context.node_config["partition-id"])
    model = _state["model"]
    fmnist.set_arrays(model, msg.content["arrays"].to_numpy_ndarrays())
    idx = _state["split"]["eval"][p]
    loss, acc = fmnist.evaluate(model, idx)
    content = RecordDict({"metrics": MetricRecord(
        {"num-examples": len(idx), "eval_loss": loss, "eval_acc": acc})})
    return Message(content=content, reply_to=msg)
