"""report.py OUT_DIR: the table and ratios of bench/vs-flower/run.sh from the JSON files it left.

Per run: NAME.measure.json (wall time, peak RSS of the process tree) and NAME.result.json (flowersim's
history.json, or the round durations and accuracies written by the Flower app / pfl script).
Per client-round = median round duration, first round left out (Ray actor start, JIT warm-up),
divided by the clients per round; a round is fit + evaluate of its clients + aggregation (+ the
centralized evaluation for Fashion-MNIST). Several repetitions: the median of each figure."""
import glob
import json
import math
import os
import re
import statistics
import sys

WORKLOADS = [("a10", "(a) no-op, 1M floats, 100 clients, 10/round"),
             ("a100", "(a) no-op, 1M floats, 100 clients, 100/round"),
             ("b-mlp", "(b) Fashion-MNIST MLP, 100 clients, 10/round"),
             ("b-cnn", "(b) Fashion-MNIST CNN, 100 clients, 10/round"),
             ("e", "(e) Flower PyTorch App (MLP), 100 clients, 10/round"),
             ("c", "(c) no-op, 1,000,000 clients, 1,000/round"),
             ("c10k", "(c') no-op, 10,000 clients, 1,000/round")]
SIMS = ["flowersim-local", "flowersim-pool", "flowersim-ray", "flower", "flower-legacy", "pfl"]


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def run_figures(out, name):
    m = load(os.path.join(out, name + ".measure.json")) or {}
    r = load(os.path.join(out, name + ".result.json"))
    fig = {"wall": m.get("wall_seconds"), "rss": m.get("peak_rss_bytes"), "cpu": m.get("cpu_seconds"),
           "failed": bool(m) and (m.get("exit_code") != 0 or m.get("timed_out")),
           "timed_out": m.get("timed_out", False)}
    if r is None:
        return fig
    if "rounds" in r and isinstance(r["rounds"], list):      # flowersim history.json
        secs = [x["durationSeconds"] for x in r["rounds"]]
        per = statistics.median(x["fitClients"] for x in r["rounds"]) if r["rounds"] else None
        # a Java task's centralized test accuracy; a Flower App's distributed one (eval_acc), (e)
        acc = [x.get("centralizedMetrics", {}).get("accuracy",
                                                   x.get("distributedMetrics", {}).get("eval_acc"))
               for x in r["rounds"]]
        acc = [a for a in acc if a is not None]
    else:
        secs, per, acc = r["round_seconds"], r["per_round"], r["test_accuracy"]
    if secs:
        steady = secs[1:] if len(secs) > 1 else secs
        fig["round"] = statistics.median(steady)
        fig["first_round"] = secs[0]
        fig["rounds"] = len(secs)
        fig["per_client_round_us"] = fig["round"] / per * 1e6 if per else None
    if acc:
        fig["accuracy"] = acc[-1]
    return fig


def median_of(figs, key):
    vals = [f[key] for f in figs if f.get(key) is not None]
    return statistics.median(vals) if vals else None


def fmt(v, spec):
    return "—" if v is None else format(v, spec)


def main():
    out = sys.argv[1]
    names = {os.path.basename(p)[: -len(".measure.json")]
             for p in glob.glob(os.path.join(out, "*.measure.json"))}
    table = {}
    for name in names:
        mt = re.fullmatch(r"(.+?)\.(flowersim-local|flowersim-pool|flowersim-ray|flower-legacy|flower|pfl)\.(\d+)", name)
        if mt:
            table.setdefault((mt.group(1), mt.group(2)), []).append(run_figures(out, name))
    lines = ["| workload | simulator | runs | wall s | CPU s | first round s | median round s "
             "| us per client-round | peak RSS MiB | final test accuracy |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    summary = {}
    for key, title in WORKLOADS:
        for sim in SIMS:
            figs = table.get((key, sim))
            if not figs:
                continue
            s = {k: median_of(figs, k) for k in
                 ("wall", "cpu", "rss", "round", "first_round", "per_client_round_us", "accuracy")}
            failed = sum(f["failed"] for f in figs)
            s["failed"] = failed
            summary[(key, sim)] = s
            note = f"{len(figs)}" + (f" ({failed} failed/timed out)" if failed else "")
            lines.append(f"| {title} | {sim} | {note} | {fmt(s['wall'], '.1f')} | {fmt(s['cpu'], '.1f')} | "
                         f"{fmt(s['first_round'], '.2f')} | {fmt(s['round'], '.3f')} | "
                         f"{fmt(s['per_client_round_us'], ',.0f')} | "
                         f"{fmt(s['rss'] and s['rss'] / 2**20, ',.0f')} | "
                         f"{fmt(s['accuracy'], '.4f')} |")
    print("\n".join(lines))
    print()

    def ratio(key, a, b, field):
        x, y = summary.get((key, a), {}).get(field), summary.get((key, b), {}).get(field)
        return x / y if x and y else None

    print("Ratios (medians):")
    for key, title in WORKLOADS:
        parts = []
        for a, b, field, label in [
                ("flower", "flowersim-local", "per_client_round_us", "per client-round flower/flowersim-local"),
                ("flower", "flowersim-ray", "per_client_round_us", "per client-round flower/flowersim-ray"),
                ("flower-legacy", "flowersim-local", "per_client_round_us", "per client-round flower-legacy/flowersim-local"),
                ("pfl", "flowersim-local", "per_client_round_us", "per client-round pfl/flowersim-local"),
                ("pfl", "flowersim-pool", "per_client_round_us", "per client-round pfl/flowersim-pool"),
                ("pfl", "flowersim-local", "wall", "wall pfl/flowersim-local"),
                ("pfl", "flowersim-pool", "wall", "wall pfl/flowersim-pool"),
                ("flowersim-local", "flower", "wall", "wall flowersim-local/flower"),
                ("flowersim-local", "flower", "cpu", "CPU flowersim-local/flower"),
                ("flower", "flowersim-local", "rss", "peak RSS flower/flowersim-local")]:
            v = ratio(key, a, b, field)
            if v is not None:
                parts.append(f"{label} {v:.2f}")
        for sim in ("flower", "pfl"):
            fa = summary.get((key, "flowersim-local"), {}).get("accuracy")
            oa = summary.get((key, sim), {}).get("accuracy")
            if fa is not None and oa is not None:
                parts.append(f"accuracy {sim} - flowersim {100 * (oa - fa):+.2f} points")
        if parts:
            print(f"- {title}: " + "; ".join(parts))
    agg = os.path.join(out, "aggregation.txt")
    if os.path.exists(agg):
        print("\n(d) FedAvg aggregation vs STREAM-like kernels (JMH, one thread):\n")
        with open(agg) as f:
            print("```\n" + f.read().strip() + "\n```\n")
    ratios = [ratio(k, "flower", "flowersim-local", "per_client_round_us") for k in ("a10", "a100")]
    ratios = [r for r in ratios if r]
    x = math.exp(sum(map(math.log, ratios)) / len(ratios)) if ratios else float("nan")
    print("(overhead ratio: geometric mean over the two (a) workloads of Flower's per client-round "
          "time over flowersim local's)")
    print(f"overhead ratio (flower/flowersim local): {x:.1f}")


if __name__ == "__main__":
    main()
