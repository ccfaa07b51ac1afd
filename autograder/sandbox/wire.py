"""Reading what the worker wrote: plain data only, checked against a schema per call before use.

Everything in out/ is untrusted: the submission runs in the worker process and can write into
those files directly. Nothing here unpickles, imports or calls anything the submission made, and
no content of the files can crash the grader, hold much of its memory or much of its CPU:

- step_S.jsonl holds one JSON line per call (one line in all for an import step, or a single
  "missing" line). At most as many lines as the step has calls are parsed, each bounded in
  bytes and, before json.loads sees it, in nesting depth (a byte scan); a torn last line is
  dropped (the worker died writing it).
- Every record must have exactly the form the worker writes (forms.py: known keys only, bounded
  strings and lists, the answer paths the step's answer schema allows and, for the inputs, the
  paths of the arrays that call was given), one record per call index.
- Arrays are raw little-endian float64 data (C order) appended to step_S.f64, with no header:
  a record names each by its byte offset and shape ({"at": 128, "shape": [2, 3]}, forms.py).
  Each segment must lie inside the file, is read alone, by seeking, as raw bytes, and only after
  every segment of the step has been checked. Each segment is referenced at most once, segments
  do not overlap, sizes are exact Python integers, and the bytes read are bounded per call, per
  step and for the whole run. Nothing is parsed from the array file itself.

A record or segment that breaks a rule is that call's crash (the student's code wrote into the
grader's files), never the grader's: read_step names the calls it refused and why.
"""
from __future__ import annotations

import json
import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder.sandbox.forms import (
    FormError,
    StepForm,
    check_call,
    check_import,
    check_missing,
    is_array_offset,
    is_shape,
)

MAX_JSONL_BYTES = 4 << 20        # records of one step
MAX_LINE_BYTES = 256 << 10       # one record
MAX_DEPTH = 6                    # JSON nesting of one record (the worker's records reach 4)
MAX_STEP_BYTES = 64 << 20        # arrays of one step
MAX_CALL_BYTES = 32 << 20        # arrays of one call (answer and inputs)
ARRAYS_SUFFIX = "f64"            # step_S.f64: the arrays of step S


class WireError(ValueError):
    """The worker's output does not follow the protocol (corrupt, forged or oversized)."""


# ---- plain JSON, bounded -------------------------------------------------------------------------
_KEEP = b"[]{}"
_DELETE = bytes(b for b in range(256) if b not in _KEEP)
_OPEN_CLOSE = bytes.maketrans(b"[]{}", b"()()")


def nesting_ok(line: bytes, limit: int = MAX_DEPTH) -> bool:
    """True when the brackets of LINE, outside JSON strings, are balanced and nest at most LIMIT
    deep: checked in linear time by byte operations, so that json.loads never recurses deeper."""
    unescaped = line.replace(b"\\\\", b"").replace(b'\\"', b"")     # escapes cannot end a string
    outside = b"".join(unescaped.split(b'"')[::2])
    brackets = outside.translate(_OPEN_CLOSE, _DELETE)
    for _ in range(limit):
        if not brackets:
            return True
        inner = brackets.replace(b"()", b"")        # one nesting level less
        if inner == brackets:
            return False
        brackets = inner
    return not brackets


def parse_line(line: bytes) -> dict:
    """One record: a JSON object of bounded size and depth, or WireError."""
    if len(line) > MAX_LINE_BYTES:
        raise WireError(f"a record of {len(line)} bytes (at most {MAX_LINE_BYTES})")
    if not nesting_ok(line):
        raise WireError(f"a record nested deeper than {MAX_DEPTH} levels, or with unbalanced brackets")
    try:
        record = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise WireError(f"a record that is not valid JSON ({type(exc).__name__})") from None
    if not isinstance(record, dict):
        raise WireError(f"a record that is a JSON {type(record).__name__}, not an object")
    return record


# ---- files ---------------------------------------------------------------------------------------
def _open_regular(path: Path) -> int | None:
    """A read-only descriptor of the regular file PATH (links not followed); None when absent."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as exc:   # a symbolic link (ELOOP) or worse
        raise WireError(f"{path.name} cannot be opened safely ({exc.strerror})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise WireError(f"{path.name} is not a regular file")
    return fd


def _read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file, opened without following links; b"" when it does not exist."""
    fd = _open_regular(path)
    if fd is None:
        return b""
    with os.fdopen(fd, "rb") as f:
        size = os.fstat(fd).st_size
        if size > limit:
            raise WireError(f"{path.name} is {size} bytes, over the {limit} limit")
        return f.read(size)[:limit]


def complete_lines(data: bytes) -> list[bytes]:
    """The newline-terminated lines of DATA (a torn last line is left out)."""
    return data.split(b"\n")[:-1]


def read_records(path: Path) -> list[dict]:
    """The complete JSON-object lines of a file that parse safely (others are skipped)."""
    records = []
    for raw in complete_lines(_read_regular_file(path, MAX_JSONL_BYTES)):
        try:
            records.append(parse_line(raw))
        except WireError:
            continue
    return records


def f64_segment(offset: object, shape: object, size: int) -> tuple[int, int]:
    """(start, end) byte range of the float64 array of SHAPE at OFFSET of a file of SIZE bytes.

    OFFSET must be a multiple of 8, SHAPE a list or tuple of at most 8 bounded ints (forms.py), and
    the data must end inside the file: sizes are exact Python integers, so nothing overflows."""
    if not is_array_offset(offset) or offset > size:
        raise WireError(f"bad array offset {str(offset)[:40]!r}")
    if type(shape) is tuple:
        shape = list(shape)
    if not is_shape(shape):
        raise WireError(f"bad shape {str(shape)[:80]}")
    end = offset + 8 * math.prod(shape)
    if end > size:
        raise WireError(f"shape {tuple(shape)} runs past the end of the data")
    return offset, end


def read_f64(blob: bytes, offset: object, shape: object) -> np.ndarray:
    """The float64 array of SHAPE stored at OFFSET of BLOB (checked as f64_segment does)."""
    start, end = f64_segment(offset, shape, len(blob))
    data = np.frombuffer(blob, dtype="<f8", count=(end - start) // 8, offset=start)
    return data.astype(np.float64).reshape(tuple(shape))


def _read_array(fd: int, shape: tuple[int, ...], start: int, end: int) -> np.ndarray:
    arr = np.empty((end - start) // 8, dtype="<f8")
    if end > start and os.preadv(fd, [memoryview(arr).cast("B")], start) != end - start:
        raise WireError("the array file changed while it was read")
    return arr.reshape(shape)


# ---- one step ------------------------------------------------------------------------------------
@dataclass
class Budget:
    """Bytes of arrays the grader still accepts in this run (shared by its steps)."""

    left: int


@dataclass
class StepAnswers:
    records: list[dict] = field(default_factory=list)   # valid records, "at"/"shape" replaced by "array"
    refused: dict[int, str] = field(default_factory=dict)   # call -> why its output was refused
    problem: str | None = None                          # why the whole step's output was refused


def read_step(out_dir: Path, step: int, form: StepForm, budget: Budget) -> StepAnswers:
    """The validated records of step STEP (see the module docstring for the rules)."""
    answers = StepAnswers()
    try:
        data = _read_regular_file(out_dir / f"step_{step}.jsonl", MAX_JSONL_BYTES)
        lines = data.count(b"\n")          # counted before anything is split or parsed
        if lines > max(1, form.calls):
            raise WireError(f"{lines} records for {max(1, form.calls)} calls")
        records = [parse_line(line) for line in complete_lines(data)]
    except WireError as exc:
        answers.problem = str(exc)
        return answers
    if form.kind == "import" or any("missing" in r for r in records):
        try:
            for record in records:
                check_import(record, form) if form.kind == "import" else check_missing(record)
        except FormError as exc:
            answers.problem = str(exc)
            return answers
        answers.records = records
        return answers
    by_call: dict[int, dict] = {}
    refs: list[tuple[int, tuple[int, ...], int, str, bool]] = []
    for record in records:
        call = record.get("call")
        if type(call) is not int or not 0 <= call < form.calls:
            answers.problem = f"a record for a call that does not exist ({str(call)[:20]})"
            return answers
        if call in by_call or call in answers.refused:
            answers.refused[call] = "two records for one call"
            by_call.pop(call, None)
            continue
        try:
            refs += [(offset, shape, call, path, is_input)
                     for offset, shape, path, is_input in check_call(record, form)]
            by_call[call] = record
        except FormError as exc:
            answers.refused[call] = str(exc)
    arrays = _read_arrays(out_dir / f"step_{step}.{ARRAYS_SUFFIX}", [r for r in refs if r[2] in by_call], answers,
                          budget)
    for call in sorted(by_call):
        if call not in answers.refused:
            answers.records.append(_with_arrays(by_call[call], arrays))
    return answers


def _read_arrays(path: Path, refs: list[tuple[int, tuple[int, ...], int, str, bool]], answers: StepAnswers,
                 budget: Budget) -> dict[tuple[int, str, bool], np.ndarray]:
    """Read the referenced segments; refuse (in ANSWERS) the calls whose references break a rule.
    REFS: (offset, shape, call, path, is_input). Every reference is checked before any is read."""
    out: dict[tuple[int, str, bool], np.ndarray] = {}
    if not refs:
        return out
    try:
        fd = _open_regular(path)
    except WireError as exc:
        answers.refused.update({call: str(exc) for _, _, call, _, _ in refs})
        return out
    if fd is None:
        answers.refused.update({call: f"{path.name} is missing" for _, _, call, _, _ in refs})
        return out
    try:
        size = min(os.fstat(fd).st_size, MAX_STEP_BYTES)
        segments = []
        for offset, shape, call, leaf, is_input in refs:
            try:
                start, end = f64_segment(offset, shape, size)
                segments.append((start, end, tuple(shape), call, leaf, is_input))
            except WireError as exc:
                answers.refused[call] = str(exc)
        segments.sort(key=lambda seg: seg[:2])        # by offset, an empty segment before one at its place
        last_end, last_call = 0, None
        per_call: dict[int, int] = {}
        for start, end, _, call, _, _ in segments:
            if start < last_end:         # shares bytes with an earlier segment (empty ones hold none)
                answers.refused[call] = "two answers share or overlap one array segment"
                answers.refused[last_call] = "two answers share or overlap one array segment"
            if end > last_end:
                last_end, last_call = end, call
            per_call[call] = per_call.get(call, 0) + end - start
        for call, nbytes in per_call.items():
            if nbytes > MAX_CALL_BYTES:
                answers.refused[call] = f"{nbytes} bytes of arrays for one call (at most {MAX_CALL_BYTES})"
        for start, end, shape, call, leaf, is_input in segments:
            if call in answers.refused:
                continue
            if end - start > budget.left:
                answers.refused[call] = "more array data than the grader accepts in one run"
                continue
            try:
                out[(call, leaf, is_input)] = _read_array(fd, shape, start, end)
            except (WireError, OSError) as exc:
                answers.refused[call] = str(exc)
                continue
            budget.left -= end - start
    finally:
        os.close(fd)
    return out


def _with_arrays(record: dict, arrays: dict[tuple[int, str, bool], np.ndarray]) -> dict:
    """A copy of a checked call record where each {"at": offset, "shape": ...} is {"array": float64 ndarray}."""
    call = record["call"]

    def load(item: dict, is_input: bool) -> dict:
        if "at" not in item:
            return item
        rest = {k: v for k, v in item.items() if k not in ("at", "shape")}
        return {**rest, "array": arrays[(call, item["path"], is_input)]}

    out = dict(record)
    if "leaves" in record:
        out["leaves"] = [load(leaf, False) for leaf in record["leaves"]]
    if "inputs_after" in record:
        out["inputs_after"] = [load(item, True) for item in record["inputs_after"]]
    return out


# ---- following a step as it is written (for the runner's progress checks) -----------------------
_RECORD_HEAD = re.compile(rb'\{"(?:call": (\d{1,9})[,}]|missing": true[,}])')    # worker.py's records


class RecordTail:
    """Which calls of one step already have a record: the runner accepts "call S J" only once
    call J-1's record is in place. Reads only the bytes appended since the last poll."""

    def __init__(self, path: Path):
        self.path = path
        self.offset = 0
        self.calls: set[int] = set()
        self.lines = 0
        self.missing = False

    def poll(self) -> None:
        if self.offset >= MAX_JSONL_BYTES:
            return
        try:
            fd = _open_regular(self.path)
        except WireError:
            return
        if fd is None:
            return
        try:
            data = os.pread(fd, MAX_JSONL_BYTES - self.offset, self.offset)
        except OSError:
            data = b""
        finally:
            os.close(fd)
        lines = complete_lines(data)
        self.offset += sum(len(line) + 1 for line in lines)
        for line in lines:
            self.lines += 1
            # only the worker's own first key is looked at, never parsed as JSON: read_step parses and
            # checks every record when the step ends, and a forged one only starts the next call early,
            # which the step's CPU budget (its calls' budgets together) bounds anyway
            head = _RECORD_HEAD.match(line)
            if head is not None and head.group(1) is not None:
                self.calls.add(int(head.group(1)))
            elif head is not None:
                self.missing = True
