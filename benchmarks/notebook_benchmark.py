"""Benchmark: the trusted process's time to read a notebook submission. Prints figures; asserts nothing.

Usage: python benchmarks/notebook_benchmark.py [--runs N]
Cases: the reference as a student's notebook; the same with 19 MB of embedded plots (outputs are
dropped before the code caps); the worst code within the caps (5,000 one-line statements; 256 KB
of dense expressions). Then a cold grade of the reference as a notebook submission, with the CPU
of every process it starts, the sandbox's workers included (measure.py). nbgrader's autograde and
`otter run` of the same functions: benchmarks/batch_benchmark.py prints them beside the cold grade.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from measure import CpuClock, cold_grades, load, median  # noqa: E402

from autograder.assignments.rnn_bptt.contract import MODULES  # noqa: E402
from autograder.intake import notebook_submission as nbs  # noqa: E402


def notebook(sources: list[str], png_bytes: int = 0) -> bytes:
    cells = [{"cell_type": "code", "metadata": {}, "source": s, "outputs": [], "execution_count": None}
             for s in sources]
    if png_bytes:
        cells[-1]["outputs"] = [{"output_type": "display_data", "data": {"image/png": "A" * png_bytes},
                                 "metadata": {}}]
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}).encode("utf-8")


def cases() -> dict[str, bytes]:
    solution = ROOT / "reference" / "rnn_bptt" / "solution"
    reference = [(solution / f"{m}.py").read_text(encoding="utf-8") for m in MODULES]
    dense = "x = " + "+".join(["1"] * ((nbs.MAX_CODE_BYTES - 40_000) // 2)) + "\n"   # the reference is ~30 KB
    return {
        "reference (4 code cells)": notebook(reference),
        "reference + 19 MB of plots": notebook(reference, 19 << 20),
        f"{nbs.MAX_STATEMENTS} one-line statements": notebook(reference + ["x = 1\n" * (nbs.MAX_STATEMENTS - 100)]),
        f"{(nbs.MAX_CODE_BYTES - 40_000) >> 10} KB of one expression": notebook(reference + [dense]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for name, data in cases().items():
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            code = nbs.read_notebook("bench.ipynb", data)
            times.append(time.perf_counter() - start)
        outcome = code.problem or f"{len(code.modules)} modules"
        print(f"{name} ({len(data) / 2**20:.1f} MB): median {statistics.median(times):.3f} s, "
              f"max {max(times):.3f} s ({outcome[:60]})")
    clock = CpuClock()
    try:
        with tempfile.TemporaryDirectory(prefix="rnn-nb-bench-") as tmp:
            (Path(tmp) / "submission.ipynb").write_bytes(cases()["reference (4 code cells)"])
            runs = cold_grades(clock, Path(tmp), "rnn_bptt", args.runs)
        print(f"cold grade of the reference as a notebook: median {median([r.wall for r in runs]):.3f} s wall, "
              f"{median([r.cpu for r in runs]):.3f} s CPU ({args.runs} runs; CPU by {clock.method}); {load()}")
    finally:
        clock.close()


if __name__ == "__main__":
    main()
