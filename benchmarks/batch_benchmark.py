"""Benchmark: `batch` over 100 mixed submissions, fresh and resumed. Prints figures; asserts nothing.

Usage: python benchmarks/batch_benchmark.py [--n 100] [--jobs N]
Goal (issue 13): 100 submissions within 20x one cold `grade` (<= 20 s on a 2-core machine), peak
memory per grader process <= 200 MB. The class: correct (the reference and its student-style
variants), buggy (tests/bugs/ via bug_bank.build_submission), broken (tests/broken/) and untouched
stubs, about 35/40/15/10 %. The load average is printed with the figures: other work on the
machine slows everything here.
"""
from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.batch import run_batch  # noqa: E402
from autograder.progress import Progress  # noqa: E402
from tests.bug_bank import build_submission, correct_variants, load_bugs  # noqa: E402


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def copy_py(src: Path, dest: Path) -> None:
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("test_*", "*.md", "__pycache__", "*.ipynb"))


def make_class(base: Path, n: int) -> dict[str, int]:
    """N submissions in BASE: correct, buggy, broken and stubs in realistic proportions."""
    correct = [ROOT / "reference" / "rnn_bptt" / "solution", *correct_variants()]
    bugs = load_bugs()
    broken = sorted(p for p in (ROOT / "tests" / "broken").iterdir() if p.is_dir())
    kinds = {"correct": round(0.35 * n), "buggy": round(0.40 * n), "broken": round(0.15 * n)}
    kinds["stubs"] = n - sum(kinds.values())
    i = 0
    for kind, count in kinds.items():
        for k in range(count):
            dest = base / f"s{i:03d}_{kind}"
            if kind == "correct":
                copy_py(correct[k % len(correct)], dest)
            elif kind == "buggy":
                build_submission(bugs[k % len(bugs)], dest)
            elif kind == "broken":
                copy_py(broken[k % len(broken)], dest)
            else:
                copy_py(ROOT / "assignments" / "rnn_bptt", dest)
            i += 1
    return kinds


def cold_grade(tmp: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "autograder", "grade", str(ROOT / "reference" / "rnn_bptt" / "solution"),
                    "--results",
                    str(tmp / "cold.json"), "--quiet"], check=True, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    jobs = args.jobs or os.cpu_count() or 1
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {load()}")
    with tempfile.TemporaryDirectory(prefix="rnn-batch-bench-") as tmp:
        tmp = Path(tmp)
        cold = min(cold_grade(tmp) for _ in range(3))
        print(f"cold grade of one submission (fresh process, best of 3): {cold:.2f} s; {load()}")
        kinds = make_class(tmp / "class", args.n)
        print(f"class of {args.n}: " + ", ".join(f"{v} {k}" for k, v in kinds.items()))
        start = time.perf_counter()
        fresh = run_batch([tmp / "class"], tmp / "out", jobs=jobs, progress=Progress(io.StringIO()))
        wall = time.perf_counter() - start
        print(f"batch --jobs {jobs}: {wall:.1f} s for {fresh.graded} submissions ({fresh.graded / wall:.2f}/s, "
              f"{fresh.failures} failures); {wall / cold:.1f}x one cold grade; one by one would take about "
              f"{args.n * cold:.0f} s; {load()}")
        per = sorted(d.seconds for d in fresh.figures)
        print(f"  per submission in a grader process: median {per[len(per) // 2]:.2f} s, max {per[-1]:.2f} s")
        print(f"  peak RSS: grader process {max(d.peak_kb for d in fresh.figures) / 1024:.0f} MB, "
              f"sandbox worker {max(d.worker_peak_kb for d in fresh.figures) / 1024:.0f} MB")
        start = time.perf_counter()
        again = run_batch([tmp / "class"], tmp / "out", jobs=jobs, progress=Progress(io.StringIO()))
        print(f"resumed run over the same {args.n}: {time.perf_counter() - start:.1f} s ({again.graded} graded, "
              f"{again.skipped} skipped, grades.csv and report.html written again); {load()}")
    try:
        import nbgrader  # noqa: F401
        print("nbgrader autograde side by side: not measured by this script (see the notebook issue)")
    except ImportError:
        print("nbgrader is not installed: its autograde was not measured")


if __name__ == "__main__":
    main()
