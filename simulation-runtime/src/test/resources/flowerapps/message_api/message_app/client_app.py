import os
import time

import numpy as np
from flwr.app import Array, ArrayRecord, Context, Message, MetricRecord, RecordDict
from flwr.clientapp import ClientApp

app = ClientApp()


def initial_arrays():
    return ArrayRecord({"w": Array(np.zeros((2, 3), dtype=np.float32)),
                        "steps": Array(np.zeros(1, dtype=np.int64))})


def misbehave(context):
    partition = context.node_config["partition-id"]
    if partition == context.run_config["raise-on"]:
        raise ValueError(f"client {partition} raises")
    if partition == context.run_config["hang-on"]:
        time.sleep(3600)
    if partition == context.run_config["exit-on"]:
        os._exit(3)


@app.train()
def train(msg: Message, context: Context):
    misbehave(context)
    counter = context.state.get("counter", MetricRecord({"calls": 0}))
    counter["calls"] = counter["calls"] + 1
    context.state["counter"] = counter
    arrays = msg.content["arrays"]
    w = arrays["w"].numpy()
    steps = arrays["steps"].numpy()
    partition = context.node_config["partition-id"]
    metrics = MetricRecord({
        "num-examples": 10 + partition,
        "calls": counter["calls"],
        "partition-id": partition,
        "num-partitions": context.node_config["num-partitions"],
        "steps-int64": int(steps.dtype == np.int64),
        "server-round": msg.content["config"]["server-round"],
    })
    out = ArrayRecord({"w": Array(w + 1.0 + partition), "steps": Array(steps + 1)})
    return Message(RecordDict({"arrays": out, "metrics": metrics}), reply_to=msg)


@app.evaluate()
def evaluate(msg: Message, context: Context):
    misbehave(context)
    partition = context.node_config["partition-id"]
    w = msg.content["arrays"]["w"].numpy()
    metrics = MetricRecord({"num-examples": 5, "eval_loss": float(w.sum()) + partition,
                            "tag": [1.0, 2.0]})
    return Message(RecordDict({"metrics": metrics}), reply_to=msg)
