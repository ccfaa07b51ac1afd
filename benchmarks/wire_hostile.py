"""Benchmark: what hostile worker output costs the trusted side. Prints figures; asserts nothing.

Usage: python benchmarks/wire_hostile.py
Target (issue 10): no output of the worker can crash, slow down or fill up the grader. For each
attack on out/ (as student code can write it), the CPU time and peak Python memory (tracemalloc,
NumPy included) of wire.read_step reading one step, and what it concluded:
    duplicates  one 8 MB segment referenced 40 times (a copying reader held 320 MB)
    tiny        200,000 tiny records (a reader parsing each spent seconds)
    deep        one record nested 100,000 deep (json.loads: RecursionError)
    overflow    a segment whose shape's size overflows int64
    honest      20 calls as the worker writes them, for scale
"""
from __future__ import annotations

import io
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


def npy(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr)
    return buf.getvalue()


def honest() -> tuple[bytes, bytes]:
    blob, lines = b"", []
    for call in range(20):
        out, inp = len(blob), len(blob) + len(npy(np.ones(100)))
        blob += npy(np.ones(100)) + npy(np.zeros(100))
        lines.append({"call": call, "warnings": [], "leaves": [{"path": "output", "type": "ndarray", "npy": out}],
                      "inputs_after": [{"path": "arg0", "npy": inp}]})
    return b"".join(json.dumps(r).encode() + b"\n" for r in lines), blob


def duplicates() -> tuple[bytes, bytes]:
    lines = [{"call": c, "warnings": [], "leaves": [{"path": "output", "npy": 0}],
              "inputs_after": [{"path": "arg0", "npy": 0}]} for c in range(20)]
    return b"".join(json.dumps(r).encode() + b"\n" for r in lines), npy(np.zeros(1 << 20))


def tiny() -> tuple[bytes, bytes]:
    return b"{}\n" * 200_000, b""


def deep() -> tuple[bytes, bytes]:
    return b"[" * 100_000 + b"]" * 100_000 + b"\n", b""


def overflow() -> tuple[bytes, bytes]:
    header = b"{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4), }"
    header += b" " * (63 - len(header) % 64) + b"\n"
    blob = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + b"\0" * 64
    record = {"call": 0, "warnings": [], "leaves": [{"path": "output", "npy": 0}], "inputs_after": []}
    return json.dumps(record).encode() + b"\n", blob


def main() -> None:
    form = form_of(STEP)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for name, build in (("honest", honest), ("duplicates", duplicates), ("tiny", tiny), ("deep", deep),
                            ("overflow", overflow)):
            records, blob = build()
            (out / "step_0.jsonl").write_bytes(records)
            (out / "step_0.npys").write_bytes(blob)
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
