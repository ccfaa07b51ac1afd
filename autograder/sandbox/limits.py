"""A grade's budgets (Limits): CPU time per call, wall-clock backstops, memory, disk, output.

Apart from the runner so that a grade can start its sandbox (early.prestart) before the grader
has imported NumPy; runner.py, which enforces them, imports them from here.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Limits:
    """Budgets for one submission. CPU budgets make verdicts independent of machine load."""

    call_cpu_seconds: float = 1.0        # per student call (the reference's slowest ordinary call: < 1 ms)
    import_cpu_seconds: float = 3.0      # per module import (top-level code a student left in a file)
    # per call of a realistic-size case (a plan step marked "realistic": Probe.realistic), calibrated
    # on the slowest honest BPTT (README, security; benchmarks/realistic_budget.py); tests may lower
    # it with RNN_AUTOGRADER_REALISTIC_CPU (never raise it)
    realistic_cpu_seconds: float = field(default_factory=lambda: realistic_budget())
    wall_factor: float = 12.0            # wall-clock backstop of an ordinary call: factor * call budget + 2 s (14 s)
    startup_seconds: float = 20.0        # worker start (interpreter + NumPy; started early: from "go"), wall clock
    submission_seconds: float = 120.0    # the whole submission, wall clock (and CPU rlimit per process)
    memory_bytes: int = 1536 << 20       # address space of the worker (lowered to what the container leaves)
    output_bytes: int = 10_000           # student stdout/stderr kept for the log
    flood_bytes: int = 4 << 20           # output of one call past which the call is stopped
    disk_bytes: int = 256 << 20          # files the worker may leave in out/ and tmp/ (and elsewhere)
    answer_bytes: int = 128 << 20        # array data the grader reads back from one run
    file_bytes: int = 64 << 20           # largest file the worker may write (RLIMIT_FSIZE)
    open_files: int = 128                # RLIMIT_NOFILE
    processes: int = 32                  # RLIMIT_NPROC of the worker's own uid (root only; threads count)
    max_restarts: int = 12


REALISTIC_CPU_SECONDS = 20.0
REALISTIC_ENV = "RNN_AUTOGRADER_REALISTIC_CPU"


def realistic_budget() -> float:
    """The realistic-size case's CPU budget: REALISTIC_CPU_SECONDS, or less when the environment says so."""
    try:
        wanted = float(os.environ.get(REALISTIC_ENV, "") or REALISTIC_CPU_SECONDS)
    except ValueError:
        wanted = REALISTIC_CPU_SECONDS
    return min(REALISTIC_CPU_SECONDS, max(0.5, wanted))
