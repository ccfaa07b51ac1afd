"""Benchmark: where a grade's time goes, in one run. Prints figures; asserts nothing.

Usage: nice python benchmarks/batch_benchmark.py [--n 100] [--jobs 2] [--runs 10] [--compare-runs 3]
Prints, on the same machine in one run:
- a cold `grade` (fresh process, imports included) of each assignment's reference: median of
  --runs, wall and CPU of the whole process tree, the sandbox's workers included (measure.py
  counts CPU in a cgroup: RUSAGE_CHILDREN misses a killed namespaced worker), and peak RSS;
- `batch --jobs 2` over a class of --n: correct (the reference and its student-style variants),
  buggy (tests/bugs/ via bug_bank.build_submission), broken (tests/broken/) and untouched stubs,
  35/40/15/10 %, with how many of them hit the per-call time limit, and again resumed;
- stock nbgrader's `autograde` and Otter's `otter run` of the same functions with plain assert
  tests (frameworks.py; each skipped with a message when not installed), as ratios to the cold grade.
Targets (issue 20): the class <= 20 x one cold grade; a cold grade >= 8 x faster than `otter run`
and >= 10 x faster than nbgrader's autograde; grader <= 62 MB and worker <= 49 MB. Other work on the
machine slows everything: the load average is printed with the figures.
The worker's peak RSS printed here is RUSAGE_CHILDREN's: at least the grader's own RSS when it
started a worker (a child inherits that high-water mark at fork, and exec keeps it);
benchmarks/worker_memory.py measures the worker alone.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import frameworks  # noqa: E402
from measure import CpuClock, cold_grades, load, median  # noqa: E402

from autograder.outputs.progress import Progress  # noqa: E402
from autograder.platforms.batch import run_batch  # noqa: E402
from tests.bug_bank import build_submission, correct_variants, load_bugs  # noqa: E402


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


def time_limited(out: Path) -> int:
    """How many graded submissions had a call stopped at the per-call time limit."""
    count = 0
    for path in out.glob("*/results.json"):
        tests = json.loads(path.read_text(encoding="utf-8")).get("tests", [])
        count += any("went past its time limit" in t.get("output", "") for t in tests)
    return count


def compare(name: str, problem: str | None, run, score, tmp: Path, runs: int, cold: float, cold_cpu: float,
            clock: CpuClock) -> None:
    if problem:
        print(f"{name}: skipped ({problem})")
        return
    try:
        times = run(tmp, runs, clock.seconds)
    except (RuntimeError, OSError) as exc:
        print(f"{name}: failed ({str(exc)[:300]})")
        return
    wall, cpu = median([t[0] for t in times]), median([t[1] for t in times])
    print(f"{name} of the same functions (plain assert tests, {score(tmp)}): median {wall:.2f} s wall, "
          f"{cpu:.2f} s CPU ({runs} runs); the cold grade is {wall / cold:.1f}x faster (wall), "
          f"{cpu / cold_cpu:.1f}x (CPU); {load()}")


def class_run(args, tmp: Path, cold: float, cold_cpu: float, clock: CpuClock) -> None:
    """batch --jobs over a class of --n, then resumed."""
    kinds = make_class(tmp / "class", args.n)
    print(f"class of {args.n} (rnn_bptt): " + ", ".join(f"{v} {k}" for k, v in kinds.items()))
    cpu0, start = clock.seconds(), time.perf_counter()
    fresh = run_batch([tmp / "class"], tmp / "out", jobs=args.jobs, progress=Progress(io.StringIO()))
    wall, cpu = time.perf_counter() - start, clock.seconds() - cpu0
    print(f"batch --jobs {args.jobs}: {wall:.1f} s wall, {cpu:.1f} s CPU for {fresh.graded} submissions "
          f"({fresh.failures} failures; {time_limited(tmp / 'out')} hit the per-call time limit): "
          f"{wall / cold:.1f}x one cold grade (target <= 20x), {cpu / cold_cpu:.1f}x its CPU; {load()}")
    per = sorted(d.seconds for d in fresh.figures)
    print(f"  per submission in a grader process: median {per[len(per) // 2]:.2f} s, max {per[-1]:.2f} s")
    print(f"  peak RSS: grader process {max(d.peak_kb for d in fresh.figures) / 1024:.0f} MB, "
          f"sandbox worker {max(d.worker_peak_kb for d in fresh.figures) / 1024:.0f} MB")
    start = time.perf_counter()
    again = run_batch([tmp / "class"], tmp / "out", jobs=args.jobs, progress=Progress(io.StringIO()))
    print(f"resumed run over the same {args.n}: {time.perf_counter() - start:.1f} s ({again.graded} graded, "
          f"{again.skipped} skipped, grades.csv and report.html written again); {load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runs", type=int, default=10, help="cold grades of each reference (median)")
    parser.add_argument("--compare-runs", type=int, default=3, help="runs of nbgrader and of Otter (median)")
    args = parser.parse_args()
    clock = CpuClock()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {load()}")
    print(f"CPU counted by {clock.method}; PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}")
    try:
        colds = {}
        for assignment in ("rnn_bptt", "gated_rnn"):
            runs = cold_grades(clock, ROOT / "reference" / assignment / "solution", assignment, args.runs)
            colds[assignment] = runs
            walls = [r.wall for r in runs]
            print(f"cold grade of {assignment}'s reference: median {median(walls):.3f} s wall, "
                  f"{median([r.cpu for r in runs]):.3f} s CPU ({args.runs} runs; wall min {min(walls):.3f}, "
                  f"max {max(walls):.3f}); peak RSS grader {max(r.grader_mb for r in runs):.0f} MB, "
                  f"worker {max(r.workers_mb for r in runs):.0f} MB; {load()}")
        cold = median([r.wall for r in colds["rnn_bptt"]])
        cold_cpu = median([r.cpu for r in colds["rnn_bptt"]])
        with tempfile.TemporaryDirectory(prefix="rnn-batch-bench-") as tmp:
            tmp = Path(tmp)
            if args.n > 0:          # --n 0: the cold grades and the other frameworks only
                class_run(args, tmp, cold, cold_cpu, clock)
            compare("nbgrader autograde", frameworks.nbgrader_problem(), frameworks.nbgrader_autograde,
                    frameworks.nbgrader_score, tmp, args.compare_runs, cold, cold_cpu, clock)
            compare("otter run", frameworks.otter_problem(), frameworks.otter_run, frameworks.otter_score, tmp,
                    args.compare_runs, cold, cold_cpu, clock)
    finally:
        clock.close()


if __name__ == "__main__":
    main()
