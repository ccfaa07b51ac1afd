"""Benchmark: where one cold `grade` spends its wall time, stage by stage. Prints figures; asserts nothing.

Usage: python benchmarks/cold_timeline.py [--runs 5] [--assignment rnn_bptt] [SUBMISSION]
Each run is a fresh `python -m autograder grade` process (the real command line, its early sandbox
and its garbage-collector and exit choices included), in which an import hook times the stages as
they happen, without changing any code: the sandbox's prestart and the worker's spawn, NumPy
imported, staging, canonical form, drawing the cases, the plan, "go", the worker's first and last
progress lines, judging, the rest. Prints, per mark, the median over the runs of the wall ms since
the interpreter's start (the marks' own cost is a few ms), and the whole process's wall time.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs in the timed process: an import hook wraps the stages' functions when their module loads.
PROBE = r'''
import importlib.abc, importlib.util, json, sys, time
T0 = time.perf_counter()
marks = []

def mark(name):
    marks.append((time.perf_counter() - T0, name))

def timed(module, name):
    f = getattr(module, name)
    def wrapper(*args, **kwargs):
        mark("> " + name)
        try:
            return f(*args, **kwargs)
        finally:
            mark("< " + name)
    setattr(module, name, wrapper)

def grade(m):
    for name in ("stage", "canonicalise", "build_cases", "run_worker", "score_checks", "add_diagnoses"):
        timed(m, name)

def runner(m):
    timed(m, "write_plan")
    advance = m._advance
    def watched(state, line, *args, **kwargs):
        if line in (b"step 0", b"done"):
            mark("worker says " + line.decode())
        return advance(state, line, *args, **kwargs)
    m._advance = watched

def confine(m):
    for name in ("spawn", "go"):
        f = getattr(m.Box, name)
        def wrapper(self, *args, f=f, name=name, **kwargs):
            mark("> " + name)
            return f(self, *args, **kwargs)
        setattr(m.Box, name, wrapper)

HOOKS = {"autograder.pipeline.grade": grade, "autograder.sandbox.runner": runner,
         "autograder.sandbox.confine": confine, "autograder.sandbox.early": lambda m: timed(m, "prestart"),
         "numpy": lambda m: mark("NumPy imported")}

class Hook(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name not in HOOKS:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        run = spec.loader.exec_module
        def exec_module(module):
            run(module)
            HOOKS[name](module)
        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, Hook())
from autograder.platforms import process
real_leave = process.leave
def leave(status):
    mark("end")
    print("MARKS " + json.dumps([(round(t * 1000, 2), n) for t, n in marks]), file=sys.stderr, flush=True)
    real_leave(status)
process.leave = leave
from autograder.platforms.cli import run
run(sys.argv[1:])
'''


def one(submission: Path, assignment: str, results: Path) -> tuple[float, dict[str, float]]:
    """(wall ms of the whole process, {mark: ms since the probe started})."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PROBE, "grade", str(submission), "--results", str(results),
                           "--quiet", "--assignment", assignment], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    wall = (time.perf_counter() - start) * 1000
    line = next(x for x in done.stderr.splitlines() if x.startswith("MARKS "))
    marks: dict[str, float] = {}
    for t, name in json.loads(line[len("MARKS "):]):
        marks.setdefault(name, t)
    return wall, marks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("submission", nargs="?", default=None)
    parser.add_argument("--assignment", default="rnn_bptt")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    submission = Path(args.submission or ROOT / "reference" / args.assignment / "solution")
    with tempfile.TemporaryDirectory(prefix="rnn-bench-timeline-") as tmp:
        one(submission, args.assignment, Path(tmp) / "warm.json")       # runtime view, draws' cache
        runs = [one(submission, args.assignment, Path(tmp) / f"r{i}.json") for i in range(args.runs)]
    walls = [w for w, _ in runs]
    names = [n for n in runs[0][1] if all(n in m for _, m in runs)]
    print(f"cold grade of {submission} ({args.assignment}), {args.runs} runs: whole process median "
          f"{statistics.median(walls):.0f} ms wall (min {min(walls):.0f}); marks in ms since the probe "
          "started (after the interpreter's own start), medians:")
    previous = 0.0
    for name in sorted(names, key=lambda n: statistics.median(m[n] for _, m in runs)):
        at = statistics.median(m[name] for _, m in runs)
        print(f"  {at:7.1f}  (+{at - previous:5.1f})  {name}")
        previous = at


if __name__ == "__main__":
    main()
