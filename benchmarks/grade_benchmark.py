"""Benchmark: cold and warm grading time and peak memory. Prints figures; asserts nothing.

Usage: python benchmarks/grade_benchmark.py [SUBMISSION_DIR ...] [--runs N]
Targets (issue 3): cold grade of one submission <= 1.5 s on a 2-core machine, peak memory
<= 300 MB. "Cold" is a fresh `python -m autograder grade` process, imports included.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [ROOT / "reference" / "rnn_bptt" / "solution", ROOT / "reference" / "rnn_bptt" / "samples" / "buggy",
           ROOT / "assignments" / "rnn_bptt"]


def cold_run(submission: Path, results: Path) -> tuple[float, float, float]:
    """Wall seconds of one fresh grader process, the CPU seconds of its process tree (user + system:
    less sensitive to other load on the machine than wall time), and its peak RSS (MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "autograder", "grade", str(submission), "--results", str(results),
                    "--quiet"], check=True, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, max(after.ru_maxrss, before.ru_maxrss) / 1024


def import_time() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import autograder.grade"], check=True, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submissions", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"import autograder.grade (fresh process): {import_time():.3f} s")
    with tempfile.TemporaryDirectory() as tmp:
        for submission in args.submissions:
            walls, cpus, peaks = [], [], []
            for i in range(args.runs):
                wall, cpu, peak = cold_run(submission, Path(tmp) / f"r{i}.json")
                walls.append(wall)
                cpus.append(cpu)
                peaks.append(peak)
            print(f"{submission.relative_to(ROOT) if submission.is_relative_to(ROOT) else submission}: "
                  f"cold grade median {statistics.median(walls):.3f} s (min {min(walls):.3f}, max {max(walls):.3f}, "
                  f"{args.runs} runs), CPU {statistics.median(cpus):.3f} s; "
                  f"peak RSS of any grader/worker process {max(peaks):.0f} MB")
    sys.path.insert(0, str(ROOT))
    from autograder.grade import grade_submission

    grade_submission(DEFAULT[0])
    start = time.perf_counter()
    for _ in range(3):
        grade_submission(DEFAULT[0])
    print(f"warm grade in one process (imports done): {(time.perf_counter() - start) / 3:.3f} s per submission")


if __name__ == "__main__":
    main()
