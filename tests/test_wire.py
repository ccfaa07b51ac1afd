"""The worker-to-grader protocol reader refuses anything but plain, bounded float64 data, in the form
the plan allows for each call; whatever the submission forges in out/ is its own crash."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

from autograder.sandbox.forms import StepForm, answer_paths, form_of, input_paths
from autograder.sandbox.runner import Limits, StepFailure, WorkerRun, _Answers, _read_answers
from autograder.sandbox.wire import (
    MAX_CALL_BYTES,
    Budget,
    RecordTail,
    WireError,
    _read_regular_file,
    f64_segment,
    nesting_ok,
    parse_line,
    read_f64,
    read_records,
    read_step,
)


def f64_bytes(arr) -> bytes:
    return np.asarray(arr, dtype="<f8").tobytes()


def test_reads_float64_data_at_its_offset_with_its_shape():
    a, b = np.arange(6.0).reshape(2, 3), np.array(2.5)
    blob = f64_bytes(a) + f64_bytes(b)
    assert np.array_equal(read_f64(blob, 0, [2, 3]), a)
    got = read_f64(blob, 48, [])
    assert got.shape == () and got == 2.5
    assert read_f64(blob, 56, [0, 3]).shape == (0, 3)        # an empty array at the end of the file


def test_refuses_offsets_and_shapes_that_run_past_the_data():
    blob = f64_bytes(np.arange(4.0))
    with pytest.raises(WireError):
        read_f64(blob[:-8], 0, [4])            # data truncated
    for bad in (-1, len(blob) + 8, 4, "0", 1.0, True, None):       # 4: not a whole float64 from the start
        with pytest.raises(WireError):
            read_f64(blob, bad, [1])
    for shape in ([5], [2, 3], [-1], [1.0], ["2"], [True], [1] * 9, 2, None, {"0": 1}):
        with pytest.raises(WireError):
            read_f64(blob, 0, shape)


def test_shapes_whose_size_overflows_are_refused_exactly():
    for shape in [[1 << 31, 1 << 31, 4], [2**39, 2**39], [3, 2**39, 2**39, 2**39], [2**40], [2**62, 2**62]]:
        with pytest.raises(WireError):
            f64_segment(0, shape, 64)


def test_records_skip_torn_and_non_object_lines(tmp_path):
    p = tmp_path / "step_0.jsonl"
    p.write_bytes(b'{"call": 0}\n[1, 2]\nnot json\n{"call": 1}\n{"call": 2, "tor')
    assert read_records(p) == [{"call": 0}, {"call": 1}]
    assert read_records(tmp_path / "missing.jsonl") == []


def test_symlinks_and_fifos_are_refused(tmp_path):
    target = tmp_path / "secret"
    target.write_text('{"call": 0}\n')
    link = tmp_path / "step_0.jsonl"
    link.symlink_to(target)
    with pytest.raises(WireError):
        read_records(link)
    fifo = tmp_path / "step_1.f64"
    os.mkfifo(fifo)
    with pytest.raises(WireError):
        _read_regular_file(fifo, 100)


# ---- a schema per call: forged, repeated, overlapping, deep, huge or unknown output is refused ----
TUPLE_SCHEMA = {"kind": "tuple", "names": ["h", "y"], "items": [{"kind": "array"}, {"kind": "array"}]}
STEP = {"kind": "probe", "module": "rnn", "function": "rnn_forward", "schema": TUPLE_SCHEMA, "report_inputs": True,
        "calls": [{"args": [{"array": "a0"}, {"dict": {"W_xh": {"array": "a1"}}}, {"value": 2}], "kwargs": {}}] * 3}
FORM = form_of(STEP)


class Out:
    """Writes step 0's files as the worker would, plus whatever a test forges."""

    def __init__(self, tmp_path):
        self.dir = tmp_path
        self.lines: list[bytes] = []
        self.blob = bytearray()

    def array(self, arr) -> dict:
        arr = np.asarray(arr, dtype=np.float64)
        offset = len(self.blob)
        self.blob += f64_bytes(arr)
        return {"at": offset, "shape": list(arr.shape)}

    def call(self, call: int, **overrides) -> dict:
        record = {"call": call, "warnings": [],
                  "leaves": [{"path": "h", "type": "ndarray", **self.array(np.full(3, call))},
                             {"path": "y", "type": "ndarray", **self.array(np.ones(2))}],
                  "inputs_after": [{"path": "arg0", **self.array(np.zeros(2))},
                                   {"path": "arg1['W_xh']", **self.array(np.zeros((2, 2)))}]}
        record.update(overrides)
        self.lines.append(json.dumps(record).encode())
        return record

    def read(self, form: StepForm = FORM, budget: int = 1 << 30):
        (self.dir / "step_0.jsonl").write_bytes(b"".join(line + b"\n" for line in self.lines))
        (self.dir / "step_0.f64").write_bytes(bytes(self.blob))
        return read_step(self.dir, 0, form, Budget(budget))


def test_paths_follow_the_answer_schema_and_the_plan():
    assert answer_paths(TUPLE_SCHEMA) == {"h": "array", "y": "array"}
    nested = {"kind": "tuple", "names": ["clipped", "total_norm"],
              "items": [{"kind": "dict", "keys": ["W_xh"], "items": [{"kind": "array"}]}, {"kind": "scalar"}]}
    assert answer_paths(nested) == {"clipped.extra_keys": "note", "clipped['W_xh']": "array", "total_norm": "scalar"}
    assert input_paths(STEP["calls"][0]) == ["arg0", "arg1['W_xh']"]


def test_honest_records_are_read_with_their_arrays(tmp_path):
    out = Out(tmp_path)
    for call in range(3):
        out.call(call)
    got = out.read()
    assert got.problem is None and got.refused == {}
    assert [r["call"] for r in got.records] == [0, 1, 2]
    leaves = {leaf["path"]: leaf for leaf in got.records[2]["leaves"]}
    assert np.array_equal(leaves["h"]["array"], [2.0, 2.0, 2.0]) and "at" not in leaves["h"]
    assert got.records[0]["inputs_after"][1]["array"].shape == (2, 2)


def test_a_segment_referenced_twice_is_refused_not_copied(tmp_path):
    out = Out(tmp_path)
    first = out.call(0)
    shared = {k: first["leaves"][0][k] for k in ("at", "shape")}
    out.call(1, leaves=[{"path": "h", **shared}, {"path": "y", **shared}])
    out.call(2)
    got = out.read()
    assert set(got.refused) == {0, 1} and "share" in got.refused[1]
    assert [r["call"] for r in got.records] == [2]


def test_empty_arrays_hold_no_bytes_and_may_share_an_offset(tmp_path):
    out = Out(tmp_path)
    out.call(0, leaves=[{"path": "h", "type": "ndarray", **out.array(np.zeros((0, 3)))},
                        {"path": "y", "type": "ndarray", **out.array(np.ones(2))}])
    got = out.read()
    assert got.refused == {} and got.records[0]["leaves"][0]["array"].shape == (0, 3)


def test_overlapping_segments_are_refused(tmp_path):
    out = Out(tmp_path)
    record = out.call(0)
    inside = record["leaves"][0]["at"] + 8        # inside the first segment's data
    out.lines[0] = json.dumps({**record, "leaves": [record["leaves"][0],
                                                    {"path": "y", "at": inside, "shape": [2]}]}).encode()
    got = out.read()
    assert 0 in got.refused and got.records == []


def test_two_records_for_one_call_and_records_for_calls_that_do_not_exist(tmp_path):
    out = Out(tmp_path)
    out.call(0)
    out.call(0)
    out.call(1)
    got = out.read()
    assert got.refused == {0: "two records for one call"} and [r["call"] for r in got.records] == [1]
    out.lines = out.lines[:1]
    out.call(7)
    assert "does not exist" in out.read().problem


@pytest.mark.parametrize("extra", [{"leaves": [{"path": "h", "at": 0, "shape": [1]},
                                              {"path": "secret", "at": 8, "shape": [1]}]},
                                   {"leaves": [{"path": "h", "at": 0, "shape": [1], "array": [1]}]},
                                   {"leaves": [{"path": "h", "at": 0}]},
                                   {"leaves": [{"path": "h", "shape": [1]}]},
                                   {"leaves": [{"path": "h", "at": 0, "shape": [1], "problem": "p"}]},
                                   {"leaves": [{"path": "h", "at": 0, "shape": [[1]]}]},
                                   {"leaves": [{"path": "h", "at": 0, "shape": [1 << 40]}]},
                                   {"inputs_after": [{"path": "arg5", "at": 0, "shape": [1]}]},
                                   {"inputs_after": [{"path": "arg0", "at": 0}]},
                                   {"expected": 1.0},
                                   {"warnings": ["x" * 5000]},
                                   {"warnings": ["w"] * 1000},
                                   {"leaves": [{"path": "h", "str": "vanishing"}]},
                                   {"raised": {"type": "ValueError", "message": "m"}},
                                   {"leaves": [{"path": "h", "at": -8, "shape": [1]}]},
                                   {"leaves": [{"path": "h", "at": 4, "shape": [1]}]},
                                   {"leaves": [{"path": "h", "at": 10**9, "shape": [1]}]},
                                   {"leaves": [{"path": "h", "at": 0, "shape": [10**9]}]}])
def test_unknown_keys_paths_and_oversized_values_make_that_call_crash(tmp_path, extra):
    out = Out(tmp_path)
    out.call(0, **extra)
    out.call(1)
    got = out.read()
    assert [r["call"] for r in got.records] == [1] and set(got.refused) == {0} and got.problem is None


@pytest.mark.parametrize("line", [b'{"call": true, "warnings": []}', b'{"call": 3, "warnings": []}', b"[1, 2]",
                                  b"not json", rb'{"call": 0, "warnings": ["\ud800"]', b"\xff\xfe"])
def test_records_that_name_no_call_refuse_the_step(tmp_path, line):
    out = Out(tmp_path)
    out.call(0)
    out.lines.append(line)
    got = out.read()
    assert got.problem and got.records == []


def test_deep_nesting_is_refused_before_json_loads(tmp_path):
    deep = b'{"call": 0, "warnings": [], "leaves": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert not nesting_ok(deep) and nesting_ok(b'{"a": [{"b": "[[[[[[[[\\"[["}]}')
    assert not nesting_ok(b"[" * 50) and not nesting_ok(b"][")
    with pytest.raises(WireError, match="deeper"):
        parse_line(b"[" * 200_000)
    out = Out(tmp_path)
    out.lines = [deep[:200_000]]
    assert "deeper" in out.read().problem


def test_many_tiny_records_are_refused_before_any_is_parsed(tmp_path):
    out = Out(tmp_path)
    out.lines = [b"{}"] * 200_000
    assert out.read().problem == "200000 records for 3 calls"


def test_byte_budgets_per_call_and_per_run(tmp_path):
    out = Out(tmp_path)
    big = out.array(np.zeros(MAX_CALL_BYTES // 8 + 1))
    out.call(0, leaves=[{"path": "h", **big}, {"path": "y", "problem": "none"}])
    out.call(1)
    got = out.read()
    assert set(got.refused) == {0} and "bytes of arrays for one call" in got.refused[0]
    out.lines = out.lines[1:]
    assert set(out.read(budget=40).refused) == {1}      # the run's budget is spent


def test_the_runner_turns_refused_records_into_a_crash_of_that_call(tmp_path):
    out = Out(tmp_path)
    out.call(0)
    out.call(1, leaves=[{"path": "nope", "at": 0, "shape": [1]}])
    out.call(2)
    out.read()
    run = WorkerRun(out_dir=tmp_path)
    _read_answers(run, [FORM], _Answers(tmp_path, [FORM], Budget(Limits().answer_bytes)))
    assert run.failures[0].call == 1 and run.failures[0].reason == "crashed"
    assert "could not be read back" in run.failures[0].detail
    assert [r["call"] for r in run.records[0]] == [0]        # nothing after the crashed call


def test_records_of_a_call_that_timed_out_or_came_after_it_are_dropped(tmp_path):
    out = Out(tmp_path)
    for call in range(3):
        out.call(call)
    out.read()
    run = WorkerRun(out_dir=tmp_path, failures={0: StepFailure(1, "timeout", "too slow")})
    _read_answers(run, [FORM], _Answers(tmp_path, [FORM], Budget(Limits().answer_bytes)))
    assert [r["call"] for r in run.records[0]] == [0] and run.failures[0].reason == "timeout"


def test_tail_sees_only_complete_records(tmp_path):
    tail = RecordTail(tmp_path / "step_0.jsonl")
    tail.poll()
    assert tail.calls == set()
    (tmp_path / "step_0.jsonl").write_bytes(b'{"call": 0}\n{"call": 1')
    tail.poll()
    assert tail.calls == {0} and tail.lines == 1
    with open(tmp_path / "step_0.jsonl", "ab") as f:
        f.write(b'}\n' + b"[" * 10000 + b"\n")
    tail.poll()
    assert tail.calls == {0, 1} and tail.lines == 3
