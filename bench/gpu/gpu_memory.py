#!/usr/bin/env python3
"""spec.clients.resources.gpuMemory on a real GPU: N clients packed on one GPU within their budget,
and one client that needs more than its budget failing alone.

    python3 bench/gpu/gpu_memory.py [--clients N] [--gpu-memory-gib G] [--seconds S]

Needs only Python and PyTorch with one visible CUDA GPU (no Java, no flwr, no network). Each client
is a process of its own, as a Python worker of flowersim is, and calls the worker's own
``flowersim_worker.gpu.cap_memory`` first, as the worker does before importing a Flower App; then
it allocates its working set and trains (matrix products) for S seconds. N clients want 3/4 of
their budget; one more wants 3/2 of it. All N+1 run at once on the same GPU. Expected: the N
finish, each with a peak under its budget; the over-budget one fails with PyTorch's
OutOfMemoryError, alone, while the others run; then, uncapped (no gpuMemory), the same over-budget
client succeeds, which shows that the cap is what stopped it. Prints one line per client and a
JSON summary; exit status 0 when all of that held, 1 when not, 2 when there is no GPU.
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_HOME = os.path.normpath(os.path.join(HERE, "..", "..", "python"))
GIB = 1 << 30


def client(budget, want, seconds):
    """One client process: the worker's cap, then a working set of ``want`` bytes and training."""
    sys.path.insert(0, PYTHON_HOME)
    from flowersim_worker.gpu import cap_memory

    note = cap_memory(budget) if budget else "uncapped"
    import torch

    result = {"pid": os.getpid(), "budget": budget, "want": want, "cap": note}
    started = time.time()
    try:
        working_set = torch.empty(want // 4, dtype=torch.float32, device="cuda")
        working_set.fill_(1.0)
        a = torch.randn(4096, 4096, device="cuda", dtype=torch.bfloat16)
        steps = 0
        while time.time() - started < seconds:
            a = torch.tanh(a @ a)
            steps += 1
        torch.cuda.synchronize()
        result.update(ok=True, steps=steps, peak=torch.cuda.max_memory_allocated())
    except torch.cuda.OutOfMemoryError as e:
        result.update(ok=False, error="OutOfMemoryError: " + str(e).splitlines()[0],
                      peak=torch.cuda.max_memory_allocated())
    result["seconds"] = round(time.time() - started, 2)
    print(json.dumps(result), flush=True)


def launch(budget, want, seconds):
    env = dict(os.environ, CUDA_VISIBLE_DEVICES=os.environ.get("CUDA_VISIBLE_DEVICES", "0"))
    return subprocess.Popen([sys.executable, __file__, "--client", str(budget or 0), str(want),
                             str(seconds)], stdout=subprocess.PIPE, text=True, env=env)


def result_of(process):
    out, _ = process.communicate(timeout=600)
    lines = [line for line in out.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {"ok": False, "error": f"exit {process.returncode}"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--gpu-memory-gib", type=float, default=0,
                        help="each client's gpuMemory (default: the GPU's memory / (clients + 2))")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--client", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        client(int(args.client[0]), int(args.client[1]), float(args.client[2]))
        return 0
    try:
        import torch
    except ImportError:
        print("no torch: this bench needs PyTorch with a CUDA GPU", file=sys.stderr)
        return 2
    if not torch.cuda.is_available():
        print("no CUDA GPU visible: this bench needs one", file=sys.stderr)
        return 2
    total = torch.cuda.get_device_properties(0).total_memory
    name = torch.cuda.get_device_name(0)
    budget = int(args.gpu_memory_gib * GIB) if args.gpu_memory_gib else \
        int(total // (args.clients + 2) // GIB) * GIB
    del torch  # the parent holds no CUDA context beyond the query above
    print(f"{name}: {total / GIB:.1f} GiB; {args.clients} clients of gpuMemory "
          f"{budget / GIB:.1f} GiB wanting 3/4 of it, one wanting 3/2 of it, all at once")

    t0 = time.time()
    fits = [launch(budget, budget * 3 // 4, args.seconds) for _ in range(args.clients)]
    over = launch(budget, budget * 3 // 2, args.seconds)
    results = [result_of(p) for p in fits]
    over_result = result_of(over)
    packed_seconds = round(time.time() - t0, 1)
    uncapped = result_of(launch(0, budget * 3 // 2, args.seconds))

    for i, r in enumerate(results):
        print(f"client {i}: {'ok' if r.get('ok') else 'FAILED'}, peak "
              f"{r.get('peak', 0) / GIB:.2f} GiB of {budget / GIB:.1f}, {r.get('steps')} steps, "
              f"{r.get('error', '')}")
    print(f"over-budget client (capped): {'ok' if over_result.get('ok') else 'failed'}: "
          f"{over_result.get('error', '')}")
    print(f"over-budget client (uncapped): {'ok' if uncapped.get('ok') else 'failed'}, peak "
          f"{uncapped.get('peak', 0) / GIB:.2f} GiB")

    checks = {
        "every in-budget client finished": all(r.get("ok") for r in results),
        "every in-budget peak within gpuMemory": all(r.get("peak", budget + 1) <= budget
                                                     for r in results),
        "the over-budget client failed with OutOfMemoryError":
            not over_result.get("ok") and "OutOfMemoryError" in over_result.get("error", ""),
        "uncapped, the same client succeeds": bool(uncapped.get("ok")),
        "the caps were set": all("capped at" in (r.get("cap") or "") for r in results),
    }
    print(json.dumps({"gpu": name, "total_bytes": total, "clients": args.clients,
                      "gpu_memory_bytes": budget, "packed_wall_seconds": packed_seconds,
                      "peaks": [r.get("peak") for r in results], "over_budget": over_result,
                      "uncapped": uncapped, "checks": checks}))
    for check, held in checks.items():
        print(f"{'PASS' if held else 'FAIL'}: {check}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
