"""Benchmark: cold and warm grading time and peak memory. Prints figures; asserts nothing.

Usage: nice python benchmarks/grade_benchmark.py [SUBMISSION_DIR ...] [--assignment NAME] [--runs N]
Default: each assignment's reference, its buggy sample and its stubs. "Cold" is a fresh
`python -m autograder grade` process, imports included; its CPU is that of every process it
starts, the sandbox's workers included (measure.py: a cgroup, since RUSAGE_CHILDREN misses a
killed namespaced worker). Targets (issue 20): see batch_benchmark.py, which prints them all in one
run; memory: grader <= 62 MB, worker <= 49 MB.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from measure import CpuClock, cold_grades, load, median  # noqa: E402

DEFAULT = [(ROOT / "reference" / a / "solution", a) for a in ("rnn_bptt", "gated_rnn")] + \
          [(ROOT / "reference" / a / "samples" / "buggy", a) for a in ("rnn_bptt", "gated_rnn")] + \
          [(ROOT / "assignments" / a, a) for a in ("rnn_bptt", "gated_rnn")]


def import_time(clock: CpuClock) -> tuple[float, float]:
    import subprocess

    cpu0, start = clock.seconds(), time.perf_counter()
    subprocess.run([sys.executable, "-c", "import autograder.pipeline.grade"], check=True, cwd=ROOT)
    return time.perf_counter() - start, clock.seconds() - cpu0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submissions", nargs="*", type=Path)
    parser.add_argument("--assignment", default="rnn_bptt", help="for the SUBMISSION_DIRs given")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    clock = CpuClock()
    try:
        print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {load()}")
        print(f"CPU counted by {clock.method}; "
              f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}")
        wall, cpu = import_time(clock)
        print(f"import autograder.pipeline.grade (fresh process): {wall:.3f} s wall, {cpu:.3f} s CPU")
        jobs = [(p, args.assignment) for p in args.submissions] or DEFAULT
        for submission, assignment in jobs:
            runs = cold_grades(clock, submission, assignment, args.runs)
            walls = [r.wall for r in runs]
            name = submission.relative_to(ROOT) if submission.is_relative_to(ROOT) else submission
            print(f"{name}: cold grade median {median(walls):.3f} s (min {min(walls):.3f}, max {max(walls):.3f}, "
                  f"{args.runs} runs), CPU {median([r.cpu for r in runs]):.3f} s; peak RSS grader "
                  f"{max(r.grader_mb for r in runs):.0f} MB, worker {max(r.workers_mb for r in runs):.0f} MB; {load()}")
        from autograder.pipeline.grade import grade_submission

        grade_submission(DEFAULT[0][0])
        start = time.perf_counter()
        for _ in range(3):
            grade_submission(DEFAULT[0][0])
        print(f"warm grade in one process (imports done): {(time.perf_counter() - start) / 3:.3f} s per submission")
    finally:
        clock.close()


if __name__ == "__main__":
    main()
