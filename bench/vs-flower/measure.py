"""measure.py OUT.json -- CMD...: runs CMD, samples the summed RSS of its whole process tree every
0.2 s, and the CPU time of all of it (this process is made a child subreaper, so daemonized descendants such as Ray's raylet and
GCS stay in the tree), and writes {"wall_seconds", "peak_rss_bytes", "exit_code", "timed_out"}.
MEASURE_TIMEOUT (seconds) kills the tree when exceeded. MEASURE_ALSO=SUBSTRING adds processes
whose command line contains SUBSTRING, and their descendants (a Ray cluster started beforehand).
"""
import ctypes
import json
import os
import resource
import signal
import subprocess
import sys
import time

import psutil

PR_SET_CHILD_SUBREAPER = 36


def tree_rss(me, also):
    procs = {p.pid: p for p in me.children(recursive=True)}
    if also:
        for p in psutil.process_iter(["cmdline"]):
            if also in " ".join(p.info["cmdline"] or ()):
                procs[p.pid] = p
                try:
                    procs.update((c.pid, c) for c in p.children(recursive=True))
                except psutil.Error:
                    pass
    total = 0
    for p in procs.values():
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def main():
    out, cmd = sys.argv[1], sys.argv[sys.argv.index("--") + 1:]
    timeout = float(os.environ.get("MEASURE_TIMEOUT", "0")) or None
    also = os.environ.get("MEASURE_ALSO")
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    me = psutil.Process()
    start = time.perf_counter()
    child = subprocess.Popen(cmd, start_new_session=True)
    peak, timed_out = 0, False
    while child.poll() is None:
        peak = max(peak, tree_rss(me, also))
        if timeout and time.perf_counter() - start > timeout:
            timed_out = True
            break
        time.sleep(0.2)
    wall = time.perf_counter() - start
    # whatever is left (timed out, or daemons the command left behind): end it, then reap
    for p in me.children(recursive=True):
        try:
            p.send_signal(signal.SIGKILL)
        except psutil.Error:
            pass
    code = child.wait()
    # reap every descendant (they are ours as subreaper) so that their CPU time is counted
    deadline = time.monotonic() + 15
    try:
        while time.monotonic() < deadline:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                time.sleep(0.1)
    except ChildProcessError:
        pass
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out, "w") as f:
        json.dump({"wall_seconds": wall, "peak_rss_bytes": peak, "exit_code": code,
                   "cpu_seconds": usage.ru_utime + usage.ru_stime,
                   "timed_out": timed_out, "command": cmd}, f)
    sys.exit(0 if code == 0 and not timed_out else 1)


if __name__ == "__main__":
    main()
