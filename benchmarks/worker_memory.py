"""Benchmark: the peak RSS of the worker itself, and of the grader, for each assignment's reference. Prints figures.

Usage: python benchmarks/worker_memory.py
Why: the "worker" peak RSS that batch_benchmark.py prints (RUSAGE_CHILDREN of the grading
process) is not the worker's: on Linux a child's ru_maxrss starts from the RSS it inherits at
fork, and exec keeps that high-water mark, so the figure is the larger of the grader's own RSS
when it started a worker and the worker's peak. Here the plan of one grade (all probes, and
without the realistic-size ones) is written as the grader writes it, and worker.py runs on it
unconfined, started by a small parent process whose RUSAGE_CHILDREN is then the worker's alone.
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.assignment import load  # noqa: E402
from autograder.engine.cases import submission_draw  # noqa: E402
from autograder.engine.plan import build_plan  # noqa: E402
from autograder.intake.canonical import canonicalise  # noqa: E402
from autograder.intake.submission import stage  # noqa: E402
from autograder.pipeline import grade  # noqa: E402
from autograder.sandbox.runner import WORKER_SCRIPT, write_plan  # noqa: E402

PARENT = """import resource, subprocess, sys
subprocess.run(sys.argv[1:], pass_fds=[int(sys.argv[-3])], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
"""


def worker_peak_mb(assignment, staged, cases, tmp: Path) -> int:
    plan = build_plan(assignment, [p for p in assignment.probes if p.id in cases], cases, list(assignment.modules))
    (tmp / "out").mkdir(parents=True)
    write_plan(tmp / "plan", plan.steps, plan.arrays, substitute={}, skip_modules=[])
    fd = os.open(os.devnull, os.O_WRONLY)
    try:
        argv = [sys.executable, "-I", str(WORKER_SCRIPT), str(tmp / "plan"), str(tmp / "out"), str(staged.dir),
                str(fd), "0", "0"]
        out = subprocess.run([sys.executable, "-I", "-c", PARENT, *argv], pass_fds=[fd], capture_output=True,
                             text=True, check=True, env={"PATH": os.environ.get("PATH", "")})
    finally:
        os.close(fd)
    return int(out.stdout.strip())


def main() -> None:
    for name in ("rnn_bptt", "gated_rnn"):
        assignment = load(name)
        staged = stage(ROOT / "reference" / name / "solution", assignment)
        try:
            canonical = canonicalise(staged.dir, [f"{m}.py" for m in assignment.modules])
            cases = grade.build_cases(submission_draw(b"k" * 32, canonical.digest), assignment=assignment)
            small = {k: v for k, v in cases.items() if not assignment.probe_map[k].realistic}
            with tempfile.TemporaryDirectory(prefix="rnn-worker-mem-") as tmp:
                full = worker_peak_mb(assignment, staged, cases, Path(tmp) / "all")
                without = worker_peak_mb(assignment, staged, small, Path(tmp) / "small")
                print(f"{name}'s reference: worker peak RSS {full} MB with every probe, {without} MB without the "
                      f"realistic-size ones; this grader process after building the cases: "
                      f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
        finally:
            staged.cleanup()


if __name__ == "__main__":
    main()
