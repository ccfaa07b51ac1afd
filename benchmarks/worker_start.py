"""Benchmark: what starting one confined worker costs, exec vs the fork server. Prints figures; asserts nothing.

Usage: python benchmarks/worker_start.py [--runs 30]
Fallback mode (RNN_AUTOGRADER_SANDBOX=fallback, where the fork server is used), the real worker.py
with an empty plan (it starts, imports NumPy or finds it imported, reads the plan, says "done" and
exits): Box.spawn -> exit -> kill_all, per worker, median of --runs:
    wall  spawn until the exit status is known
    CPU   every process involved: the grader (RUSAGE_SELF), its exec'd children (RUSAGE_CHILDREN),
          and, with the fork server, the zygote itself and its reaped children (/proc/ZYGOTE/stat)
and the zygote's resident memory (VmRSS) and its own start (once per grader process).
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.sandbox import confine, forkserver  # noqa: E402
from autograder.sandbox.runner import WORKER_SCRIPT, Limits, write_plan  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def zygote_cpu() -> float:
    z = forkserver.current()
    if z is None:
        return 0.0
    with open(f"/proc/{z.pid}/stat", "rb") as f:
        fields = f.read().rsplit(b")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / TICKS      # utime stime cutime cstime


def one_start(sub: Path) -> tuple[float, float]:
    job = Path(tempfile.mkdtemp(prefix="rnn-bench-start-"))
    try:
        box = confine.prepare(job, sub, WORKER_SCRIPT, Limits())
        write_plan(box.plan_dir, [], {}, substitute={}, skip_modules=[])
        c0, z0, t0 = own_cpu(), zygote_cpu(), time.perf_counter()
        proc, progress = box.spawn(0, 0)
        while os.read(progress, 4096):
            pass
        proc.wait()
        wall = time.perf_counter() - t0
        box.kill_all(proc)
        cpu = own_cpu() - c0 + zygote_cpu() - z0
        os.close(progress)
        box.close()
        return wall, cpu
    finally:
        shutil.rmtree(job, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    os.environ[confine.MODE_ENV] = "fallback"
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; uid {os.geteuid()}")
    sub = Path(tempfile.mkdtemp(prefix="rnn-bench-sub-"))
    for setting in ("off", "on"):
        os.environ[forkserver.ENV] = setting
        if setting == "on":
            t0, c0 = time.perf_counter(), own_cpu()
            why = confine.start_fork_server()
            z = forkserver.current()
            start = f"zygote start {(time.perf_counter() - t0) * 1000:.0f} ms wall, " \
                    f"{(own_cpu() - c0 + zygote_cpu()) * 1000:.0f} ms CPU, once per grader process; " \
                    f"RSS {z.rss_bytes() / 2**20:.1f} MiB" if z else f"zygote did not start: {why}"
        one_start(sub)          # one-off state (slot user, runtime view)
        runs = [one_start(sub) for _ in range(args.runs)]
        wall, cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        label = "fork server" if setting == "on" else "exec"
        print(f"{label:12s} worker start: median wall {wall * 1000:.0f} ms, CPU {cpu * 1000:.0f} ms (all processes)")
        if setting == "on":
            z = forkserver.current()
            print(f"             {start}; after {args.runs + 1} workers RSS "
                  f"{z.rss_bytes() / 2**20:.1f} MiB" if z else "")
    shutil.rmtree(sub, ignore_errors=True)


if __name__ == "__main__":
    main()
