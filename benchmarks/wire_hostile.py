"""Benchmark: what hostile worker output costs the trusted side. Prints figures; asserts nothing.

Usage: python benchmarks/wire_hostile.py
Target (issue 10): no output of the worker can crash, slow down or fill up the grader. For each
attack on out/ (as student code can write it), the CPU time and peak Python memory (tracemalloc,
NumPy included) of wire.read_step reading one step, and what it concluded:
    duplicates  one 8 MB segment referenced 40 times (a copying reader held 320 MB)
    tiny        200,000 tiny records (a reader parsing each spent seconds)
    deep        one record nested 100,000 deep (json.loads: RecursionError)
    overflow    a segment whose shape's size overflows int64
    misaligned  a segment at an offset that is not a whole number of float64s
    honest      20 calls as the worker writes them, for scale
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.sandbox.forms import form_of  # noqa: E402
from autograder.sandbox.wire import Budget, read_step  # noqa: E402

STEP = {"kind": "probe", "module": "activations", "function": "sigmoid", "schema": {"kind": "array"},
        "report_inputs": True, "calls": [{"args": [{"array": f"a{i}"}], "kwargs": {}} for i in range(20)]}


def f64(arr: np.ndarray) -> bytes:
    return np.asarray(arr, dtype="<f8").tobytes()


def honest() -> tuple[bytes, bytes]:
    blob, lines = b"", []
    for call in range(20):
        out, inp = len(blob), len(blob) + 800
        blob += f64(np.ones(100)) + f64(np.zeros(100))
        lines.append({"call": call, "warnings": [],
                      "leaves": [{"path": "output", "type": "ndarray", "at": out, "shape": [100]}],
                      "inputs_after": [{"path": "arg0", "at": inp, "shape": [100]}]})
    return b"".join(json.dumps(r).encode() + b"\n" for r in lines), blob


def duplicates() -> tuple[bytes, bytes]:
    whole = {"at": 0, "shape": [1 << 20]}
    lines = [{"call": c, "warnings": [], "leaves": [{"path": "output", **whole}],
              "inputs_after": [{"path": "arg0", **whole}]} for c in range(20)]
    return b"".join(json.dumps(r).encode() + b"\n" for r in lines), f64(np.zeros(1 << 20))


def tiny() -> tuple[bytes, bytes]:
    return b"{}\n" * 200_000, b""


def deep() -> tuple[bytes, bytes]:
    return b"[" * 100_000 + b"]" * 100_000 + b"\n", b""


def overflow() -> tuple[bytes, bytes]:
    record = {"call": 0, "warnings": [], "leaves": [{"path": "output", "at": 0,
                                                     "shape": [(1 << 40) - 1, (1 << 40) - 1, 4]}],
              "inputs_after": []}
    return json.dumps(record).encode() + b"\n", b"\0" * 64


def misaligned() -> tuple[bytes, bytes]:
    record = {"call": 0, "warnings": [], "leaves": [{"path": "output", "at": 4, "shape": [2]}], "inputs_after": []}
    return json.dumps(record).encode() + b"\n", b"\0" * 64


def main() -> None:
    form = form_of(STEP)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for name, build in (("honest", honest), ("duplicates", duplicates), ("tiny", tiny), ("deep", deep),
                            ("overflow", overflow), ("misaligned", misaligned)):
            records, blob = build()
            (out / "step_0.jsonl").write_bytes(records)
            (out / "step_0.f64").write_bytes(blob)
            tracemalloc.start()
            start = time.process_time()
            got = read_step(out, 0, form, Budget(128 << 20))
            cpu = time.process_time() - start
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            verdict = got.problem or (f"calls refused: {sorted(got.refused)[:4]}..." if got.refused else "")
            print(f"{name:10s} {len(records) + len(blob):>10d} bytes written: {cpu * 1000:7.1f} ms CPU, "
                  f"peak {peak / 2**20:6.1f} MB; {len(got.records)} records kept; {verdict[:70]}")


if __name__ == "__main__":
    main()
