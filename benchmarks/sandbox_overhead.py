"""Benchmark: what the sandbox costs per submission. Prints figures; asserts nothing.

Usage: python benchmarks/sandbox_overhead.py [--runs N] [--modes auto,fallback]
Target (issue 4): sandbox overhead per submission <= 0.3 s on this 2-core machine.

One worker run per mode (RNN_AUTOGRADER_SANDBOX), median of N runs, in three phases:
    prepare  confine.prepare(): slot (uid) and job permissions, mode choice, seccomp/Landlock setup
    worker   spawn -> the worker exits, having run the reference's whole plan (every graded call)
    finish   kill_all() + seal_output() + close(): kill and reap everything, check out/, free the slot
against a bare run: the same worker script and plan, started by the same interpreter as a plain
child process (no uid, namespaces, seccomp, Landlock or rlimits), spawn -> exit.
overhead = prepare + worker + finish - bare: the sandbox's cost for one submission, calls included
(a helper substitution adds a second, smaller run). The runner's supervision (CPU budgets, output
capture) is the same with or without a sandbox and is left out. Whole-grade medians of the reference
are printed for scale. The first run of a mode builds one-off state (the runtime view, the slot's
user): it is reported apart and left out of the medians.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.assignment import load  # noqa: E402
from autograder.engine.cases import Draw  # noqa: E402
from autograder.engine.plan import build_plan  # noqa: E402
from autograder.intake.submission import stage  # noqa: E402
from autograder.pipeline.grade import build_cases, grade_submission  # noqa: E402
from autograder.sandbox import confine  # noqa: E402
from autograder.sandbox.runner import WORKER_SCRIPT, Limits, write_plan  # noqa: E402

REFERENCE = ROOT / "reference" / "rnn_bptt" / "solution"


def _drain(fd: int) -> None:
    while os.read(fd, 65536):
        pass
    os.close(fd)


def reference_plan():
    assignment = load()
    cases = build_cases(Draw(b"benchmark"), assignment=assignment)
    plan = build_plan(assignment, [p for p in assignment.probes if p.id in cases], cases, list(assignment.modules))
    return plan.steps, plan.arrays


def confined_run(submission: Path, plan) -> dict[str, float]:
    job = Path(tempfile.mkdtemp(prefix="rnn-bench-"))
    try:
        t0 = time.perf_counter()
        box = confine.prepare(job, submission, WORKER_SCRIPT, Limits())
        write_plan(box.plan_dir, *plan, substitute={}, skip_modules=[])
        t1 = time.perf_counter()
        proc, progress_r = box.spawn(0, 0)
        _drain(progress_r)
        proc.stdout.read()
        proc.wait()
        t2 = time.perf_counter()
        box.kill_all(proc)
        box.seal_output()
        box.close()
        t3 = time.perf_counter()
        return {"prepare": t1 - t0, "worker": t2 - t1, "finish": t3 - t2, "mode": box.mode}
    finally:
        shutil.rmtree(job, ignore_errors=True)


def bare_run(submission: Path, plan) -> float:
    job = Path(tempfile.mkdtemp(prefix="rnn-bench-bare-"))
    try:
        for d in ("plan", "out", "tmp"):
            (job / d).mkdir()
        write_plan(job / "plan", *plan, substitute={}, skip_modules=[])
        r, w = os.pipe()
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-I", str(WORKER_SCRIPT), str(job / "plan"), str(job / "out"),
                                 str(submission), str(w), "0", "0"], cwd=job / "tmp", pass_fds=(w,),
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                env=dict(confine.SAFE_ENV, HOME=str(job / "tmp")))
        os.close(w)
        _drain(r)
        proc.stdout.read()
        proc.wait()
        return time.perf_counter() - t0
    finally:
        shutil.rmtree(job, ignore_errors=True)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--modes", default="auto,fallback")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; uid {os.geteuid()}")
    staged = stage(REFERENCE)          # as the grader does: the worker never sees the upload itself
    plan = reference_plan()
    bare = [bare_run(staged.dir, plan) for _ in range(args.runs)]
    print(f"bare worker run of the reference's plan ({len(plan[0])} steps, no sandbox): "
          f"median {median(bare) * 1000:.0f} ms")
    for mode in args.modes.split(","):
        os.environ[confine.MODE_ENV] = mode
        first = confined_run(staged.dir, plan)
        runs = [confined_run(staged.dir, plan) for _ in range(args.runs)]
        parts = {k: median([r[k] for r in runs]) for k in ("prepare", "worker", "finish")}
        total = sum(parts.values())
        print(f"mode {mode} (ran as {runs[0]['mode']}): first run {sum(first[k] for k in parts) * 1000:.0f} ms "
              f"(one-off setup); then median prepare {parts['prepare'] * 1000:.0f} ms, worker "
              f"{parts['worker'] * 1000:.0f} ms, finish {parts['finish'] * 1000:.0f} ms")
        print(f"  sandbox overhead per submission: {(total - median(bare)) * 1000:.0f} ms (target <= 300 ms)")
        grades = []
        for _ in range(max(3, args.runs // 3)):
            start = time.perf_counter()
            report = grade_submission(REFERENCE)
            grades.append(time.perf_counter() - start)
            if report.score != 100:
                print(f"  WARNING: the reference scored {report.score:g} in mode {mode}")
        print(f"  whole grade of the reference: median {median(grades):.2f} s over {len(grades)} runs")
    os.environ.pop(confine.MODE_ENV, None)
    staged.cleanup()


if __name__ == "__main__":
    main()
