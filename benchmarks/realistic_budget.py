"""Benchmark: the realistic-size cases' CPU budget against honest BPTT and numerical differentiation.
Prints figures; asserts nothing.

Usage: python benchmarks/realistic_budget.py
For every function marked sequence_gradient (both assignments), on its realistic-size case: the CPU
time of the reference (vectorised over the batch), of the slowest honest form the handouts allow
(tests/correct_variants/loops/, tests/gated_rnn/correct_variants/loops/: plain loops over samples and
time, outer products written by hand one row at a time), and of one forward pass, times the number
of input and parameter entries (what complex-step differentiation needs; central differences need
twice that). The budget (Limits.realistic_cpu_seconds) should be far above the first two and far
below the last. Run it with `nice` on a quiet machine: CPU time still grows a little with load.
"""
from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):   # as in the worker (confine.py)
    os.environ[_name] = "1"

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.assignment import load  # noqa: E402
from autograder.engine.cases import VISIBLE  # noqa: E402
from autograder.sandbox.runner import Limits  # noqa: E402

LOOPS = {"rnn_bptt": ROOT / "tests" / "correct_variants" / "loops",
         "gated_rnn": ROOT / "tests" / "gated_rnn" / "correct_variants" / "loops"}
FORWARD = {"rnn_backward": ("rnn_forward", (2, 3, 5)), "lstm_backward": ("lstm_forward", (2, 3, 4, 7)),
           "gru_backward": ("gru_forward", (1, 2, 4))}     # forward and the indices of its arguments


def module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def cpu(fn, *args, repeat: int = 1) -> float:
    start = time.process_time()
    for _ in range(repeat):
        fn(*args)
    return (time.process_time() - start) / repeat


def entries(case_args) -> int:
    n = 0
    for a in case_args:
        if isinstance(a, np.ndarray):
            n += a.size
        elif isinstance(a, dict):
            n += sum(v.size for v in a.values())
    return n


def main() -> None:
    budget = Limits().realistic_cpu_seconds
    print(f"budget: {budget:g} s of CPU time per realistic-size call")
    for name in ("rnn_bptt", "gated_rnn"):
        a = load(name)
        ref = a.ref()
        for fn in a.functions:
            if not fn.sequence_gradient:
                continue
            probe = next(p for p in a.probes if p.function == fn.name and p.realistic)
            case = probe.build(VISIBLE)[0]
            loops = module(LOOPS[name] / f"{fn.module}.py", f"loops_{fn.module}")
            t_ref = cpu(getattr(ref, fn.name), *case.args, repeat=3)
            t_loop = cpu(getattr(loops, fn.name), *case.args)
            if fn.name in FORWARD:
                fwd, idx = FORWARD[fn.name]
                t_fwd = cpu(getattr(ref, fwd), *[case.args[i] for i in idx], repeat=5)
                inputs = [case.args[i] for i in idx]
            else:       # the truncation: part 1's forward (states and outputs) of the same sizes
                dh, dy, x, h0, h, params, k = case.args
                rnn = load("rnn_bptt").ref()
                t_fwd = cpu(rnn.rnn_forward, x, h0, params, repeat=5)
                inputs = [x, h0, params]
            n = entries(inputs)
            n_params = entries([inputs[-1]])
            print(f"{fn.name} ({case.label}): reference {t_ref:.3f} s, plain loops {t_loop:.3f} s, "
                  f"one forward {t_fwd * 1000:.1f} ms x {n} entries = {t_fwd * n:.0f} s for complex steps "
                  f"({t_fwd * n / budget:.0f} x the budget), {2 * t_fwd * n:.0f} s for central differences; "
                  f"the {n_params} parameter entries alone: {t_fwd * n_params:.0f} s "
                  f"({t_fwd * n_params / budget:.0f} x)")


if __name__ == "__main__":
    main()
