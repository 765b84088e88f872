"""The ClientApp (Flower's Message API): trains and evaluates its partition's MLP."""

from flwr.app import ArrayRecord, Context, Message, MetricRecord, RecordDict
from flwr.clientapp import ClientApp

from flower_pytorch_fmnist.task import Net, load_data, test, train

app = ClientApp()


def _partition(context):
    cfg = context.run_config
    return load_data(str(cfg["data-dir"]), int(context.node_config["partition-id"]),
                     int(context.node_config["num-partitions"]), int(cfg["seed"]))


def _model(msg):
    net = Net()
    net.load_state_dict(msg.content["arrays"].to_torch_state_dict())
    return net


@app.train()
def train_fn(msg: Message, context: Context) -> Message:
    cfg = context.run_config
    training, _ = _partition(context)
    net = _model(msg)
    server_round = int(msg.content["config"]["server-round"])
    # a seed per client and round: the same shuffles under any engine
    seed = int(cfg["seed"]) * 1_000_003 + int(context.node_config["partition-id"]) * 7919 + server_round
    loss = train(net, training, int(cfg["local-epochs"]), int(cfg["batch-size"]),
                 float(cfg["learning-rate"]), seed)
    content = RecordDict({
        "arrays": ArrayRecord(net.state_dict()),
        "metrics": MetricRecord({"train_loss": loss, "num-examples": len(training[1])}),
    })
    return Message(content=content, reply_to=msg)


@app.evaluate()
def evaluate_fn(msg: Message, context: Context) -> Message:
    _, held_out = _partition(context)
    loss, accuracy = test(_model(msg), held_out)
    content = RecordDict({
        "metrics": MetricRecord({"eval_loss": loss, "eval_acc": accuracy,
                                 "num-examples": len(held_out[1])}),
    })
    return Message(content=content, reply_to=msg)
