"""Benchmark helpers: CPU time of everything a run starts, sandbox included, and cold grades.

RUSAGE_CHILDREN misses the CPU of a namespaced worker that is killed (bubblewrap's pid namespace
dies with it, and nobody waits for it), so the benchmarks count CPU with a cgroup instead: the
benchmark moves itself into a fresh cgroup (v2, or v1's cpuacct), and every process it starts,
sandboxed workers included, is counted there until it ends. Without a writable cgroup (not root,
no delegation) they fall back to RUSAGE_CHILDREN and say so in every figure.
"""
from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# One cold grade, in one fresh process that also reports its own peak RSS and its children's
# (the sandbox workers it waited for): `python -m autograder grade ...`, with rusage at the end.
COLD = """import json, os, resource, sys
sys.argv = ["autograder", *sys.argv[1:]]
from autograder.platforms.cli import main
from autograder.platforms.process import leave
try:
    status = main()
finally:
    with open(os.environ["RNN_BENCH_RUSAGE"], "w") as f:
        json.dump({"grader_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                   "workers_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}, f)
leave(status)       # as `python -m autograder` ends (cli.run)
"""


class CpuClock:
    """CPU seconds used so far by this process and everything it started (see the module docstring)."""

    def __init__(self) -> None:
        self.file: Path | None = None
        self.scale = 1.0
        self.method = "RUSAGE_CHILDREN (no writable cgroup: a killed namespaced worker's CPU is missed)"
        for make in (self._v2, self._v1):
            try:
                if make():
                    break
            except OSError:
                continue

    def _own(self, line_prefix: str) -> str:
        with open("/proc/self/cgroup", encoding="ascii") as f:
            for line in f:
                parts = line.rstrip("\n").split(":", 2)
                if len(parts) == 3 and parts[1] == line_prefix:
                    return parts[2]
        return "/"

    def _enter(self, base: Path, stat_name: str, scale: float, method: str) -> bool:
        group = base / f"rnn-bench-{os.getpid()}"
        group.mkdir(exist_ok=True)
        (group / "cgroup.procs").write_text(str(os.getpid()))
        self.file, self.scale, self.method = group / stat_name, scale, method
        self.group = group
        return True

    def _v2(self) -> bool:
        if not Path("/sys/fs/cgroup/cgroup.controllers").exists():
            return False
        base = Path("/sys/fs/cgroup") / self._own("").lstrip("/")
        return self._enter(base, "cpu.stat", 1e-6, "cgroup v2 cpu.stat (every process started, workers included)")

    def _v1(self) -> bool:
        base = Path("/sys/fs/cgroup/cpuacct")
        if not (base / "cpuacct.usage").exists():
            return False
        base = base / self._own("cpuacct").lstrip("/")
        return self._enter(base, "cpuacct.usage", 1e-9,
                           "cgroup v1 cpuacct.usage (every process started, workers included)")

    def seconds(self) -> float:
        if self.file is None:
            r = resource.getrusage(resource.RUSAGE_CHILDREN)
            s = resource.getrusage(resource.RUSAGE_SELF)
            return r.ru_utime + r.ru_stime + s.ru_utime + s.ru_stime
        text = self.file.read_text(encoding="ascii")
        if self.file.name == "cpu.stat":
            text = next(line.split()[1] for line in text.splitlines() if line.startswith("usage_usec"))
        return int(text) * self.scale

    def close(self) -> None:
        """Leave the cgroup (back to the parent) and remove it."""
        if self.file is None:
            return
        try:
            (self.group.parent / "cgroup.procs").write_text(str(os.getpid()))
            self.group.rmdir()
        except OSError:
            pass


@dataclass
class Cold:
    wall: float
    cpu: float
    grader_mb: float
    workers_mb: float


def cold_grade(clock: CpuClock, submission: Path, assignment: str, results: Path) -> Cold:
    """One cold `grade` of SUBMISSION in a fresh process: wall, CPU of the whole tree, peak RSS."""
    rusage = results.with_suffix(".rusage.json")
    env = dict(os.environ, RNN_BENCH_RUSAGE=str(rusage))
    cpu0, start = clock.seconds(), time.perf_counter()
    subprocess.run([sys.executable, "-c", COLD, "grade", str(submission), "--results", str(results), "--quiet",
                    "--assignment", assignment], check=True, cwd=ROOT, env=env)
    wall, cpu = time.perf_counter() - start, clock.seconds() - cpu0
    peaks = json.loads(rusage.read_text(encoding="utf-8"))
    return Cold(wall, cpu, peaks["grader_kb"] / 1024, peaks["workers_kb"] / 1024)


def cold_grades(clock: CpuClock, submission: Path, assignment: str, runs: int) -> list[Cold]:
    with tempfile.TemporaryDirectory(prefix="rnn-bench-cold-") as tmp:
        return [cold_grade(clock, submission, assignment, Path(tmp) / f"r{i}.json") for i in range(runs)]


def median(values: list[float]) -> float:
    return statistics.median(values)


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
