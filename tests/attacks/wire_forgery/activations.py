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
        if path.endswith((".jsonl", ".f64")):
            found[path.rsplit(".", 1)[1]] = path
    return found.get("jsonl"), found.get("f64")


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


def _raw(arr):
    return np.asarray(arr, dtype="<f8").tobytes()


def sigmoid(x):
    records, arrays = _files()
    if records and arrays and os.path.getsize(arrays) < 16 << 20:
        offset = os.path.getsize(arrays)
        offset += -offset % 8
        _append(arrays, b"\0" * (-os.path.getsize(arrays) % 8) + _raw(np.zeros(1 << 20)))
        call = _next_call(records)
        whole = {"at": offset, "shape": [1 << 20]}
        lines = [json.dumps({"call": call + i, "warnings": [], "leaves": [{"path": "output", **whole}],
                             "inputs_after": [{"path": "arg0", **whole}]}) for i in range(20)]
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
        offset += -offset % 8
        _append(arrays, b"\0" * (-os.path.getsize(arrays) % 8) + b"\0" * 64)
        call = _next_call(records)
        _append(records, b"[" * 200_000 + b"]" * 200_000 + b"\n")
        huge = {"at": offset, "shape": [(1 << 40) - 1, (1 << 40) - 1, 4]}       # 2**85 bytes: overflows int64
        _append(records, json.dumps({"call": call, "warnings": [], "leaves": [{"path": "output", **huge}],
                                     "inputs_after": [], "expected": [1, 2, 3]}).encode() + b"\n")
        _append(records, b'{"call": 99999999999999999999, "warnings": []}\n')
    return ref_activations.tanh_derivative(x)
