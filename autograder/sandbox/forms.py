"""The forms of the records a worker may write for one plan step: exactly what worker.py writes.

form_of(step) derives, from the plan alone, what each step may send back: for an import step, one
record naming its module; for a probe step, one record per call, whose answer paths are those the
step's answer schema allows and whose input paths are those of the arrays that call was given.
check_import / check_missing / check_call accept a parsed record only if it has that form: known
keys only, bounded strings and lists, values of the right types. wire.py applies them.

An array travels as {"at": byte offset, "shape": [d0, d1, ...]}: little-endian float64 in C order
at that offset of the step's .f64 file (wire.py checks that it lies inside the file).
"""
from __future__ import annotations

from dataclasses import dataclass, field

MAX_TEXT = 1000                  # characters of any string (the worker keeps at most 400)
MAX_LIST = 64                    # items of a list of strings (the worker keeps at most 60)
MAX_DIMS = 8                     # dimensions of an array
MAX_DIM = 1 << 40                # elements along one dimension


class FormError(ValueError):
    """A record that is not of the form the plan allows."""


# ---- what a step may send back -------------------------------------------------------------------
@dataclass(frozen=True)
class StepForm:
    """The records one plan step may produce.

    answers: answer path -> "array" | "scalar" | "str" (a value) or "note" (unexpected dict keys);
    inputs: per call, the paths of its input arrays (reported after the call when report_inputs);
    dicts: per call, the paths of its input dicts (whose added and removed keys are reported)."""

    kind: str                                   # "import" or "probe"
    module: str
    calls: int = 0
    answers: dict[str, str] = field(default_factory=dict)
    inputs: tuple[frozenset[str], ...] = ()
    report_inputs: bool = False
    dicts: tuple[frozenset[str], ...] = ()


def form_of(spec: dict) -> StepForm:
    """The StepForm of one plan step (see runner.run_plan for the plan's format)."""
    if spec["kind"] == "import":
        return StepForm("import", spec["module"])
    calls = spec["calls"]
    return StepForm("probe", spec["module"], len(calls), answer_paths(spec["schema"]),
                    tuple(frozenset(input_paths(c)) for c in calls), bool(spec.get("report_inputs", False)),
                    tuple(frozenset(input_paths(c, dicts=True)) for c in calls))


def answer_paths(schema: dict, path: str = "") -> dict[str, str]:
    """Every path the worker's flatten() may name for an answer of SCHEMA (same spelling)."""
    kind = schema["kind"]
    if kind == "tuple":
        out: dict[str, str] = {}
        for name, child in zip(schema["names"], schema["items"]):
            out.update(answer_paths(child, f"{path}.{name}" if path else name))
        return out
    if kind == "dict":
        out = {(path or "output") + ".extra_keys": "note"}
        for key, child in zip(schema["keys"], schema["items"]):
            out.update(answer_paths(child, f"{path}[{key!r}]"))
        return out
    return {path or "output": kind}


def input_paths(call: dict, dicts: bool = False) -> list[str]:
    """The paths under which the worker reports the input arrays of CALL (arg0, arg2['W_xh'], h0...);
    DICTS: those of its input dicts instead (arg2)."""
    found: list[str] = []

    def walk(spec: dict, path: str) -> None:
        if "array" in spec:
            found.append(path) if not dicts else None
        elif "dict" in spec:
            found.append(path) if dicts else None
            for key, sub in spec["dict"].items():
                walk(sub, f"{path}[{_short(key, 40)!r}]")

    for i, spec in enumerate(call.get("args", [])):
        walk(spec, f"arg{i}")
    for key, spec in call.get("kwargs", {}).items():
        walk(spec, key)
    return found


def _short(s: str, limit: int) -> str:        # the worker's text(): long names are cut the same way
    return s if len(s) <= limit else s[: limit - 3] + "..."


# ---- the forms of records (exactly what worker.py writes) ---------------------------------------
def _text(value) -> bool:
    return type(value) is str and len(value) <= MAX_TEXT


def _texts(value) -> bool:
    return type(value) is list and len(value) <= MAX_LIST and all(_text(v) for v in value)


def _short_texts(value) -> bool:
    """At most 5 strings of at most 60 characters (the keys worker.snapshot_inputs names)."""
    return type(value) is list and len(value) <= 5 and all(type(v) is str and len(v) <= 60 for v in value)


def _line_number(value) -> bool:
    return value is None or (type(value) is int and -(1 << 31) < value < 1 << 31)


def is_offset(value) -> bool:
    """A byte offset: a non-negative int (not a bool)."""
    return type(value) is int and value >= 0


def is_array_offset(value) -> bool:
    """The offset of a float64 array: a non-negative multiple of 8 (the worker writes only whole numbers)."""
    return is_offset(value) and value % 8 == 0


def is_shape(value) -> bool:
    """An array shape: a list of at most MAX_DIMS ints, each in [0, MAX_DIM)."""
    return (type(value) is list and len(value) <= MAX_DIMS
            and all(type(d) is int and 0 <= d < MAX_DIM for d in value))


def _fields(record, allowed: dict, required: set[str], what: str) -> None:
    """RECORD is a dict with the REQUIRED keys, no others than ALLOWED's, each value passing its check."""
    if type(record) is not dict:
        raise FormError(f"{what} is not an object")
    unknown = [k for k in record if k not in allowed]
    if unknown:
        raise FormError(f"{what} has unknown keys {[str(k)[:40] for k in unknown[:3]]}")
    missing = required - record.keys()
    if missing:
        raise FormError(f"{what} lacks {sorted(missing)}")
    for key, value in record.items():
        if not allowed[key](value):
            raise FormError(f"{what} has a malformed {key!r}")


def _where(value) -> bool:
    try:
        _fields(value, {"file": _text, "line": _line_number, "function": _text, "code": _text}, set(), "where")
    except FormError:
        return False
    return True


EXCEPTION = {"type": _text, "message": _text, "mro": _texts, "line": _line_number, "code": _text,
             "file": _text, "missing_module": _text, "where": _where}


def _exception(value) -> bool:
    try:
        _fields(value, EXCEPTION, {"type", "message"}, "an exception")
    except FormError:
        return False
    return True


def check_import(record: dict, form: StepForm) -> None:
    if "error" in record:
        _fields(record, {"module": _text, "error": _exception}, {"module", "error"}, "the import record")
    else:
        _fields(record, {"module": _text, "ok": lambda v: v is True}, {"module", "ok"}, "the import record")
    if record["module"] != form.module:
        raise FormError("the import record names another module")


def check_missing(record: dict) -> None:
    _fields(record, {"missing": lambda v: v is True, "not_callable": _text, "names": _texts}, {"missing"},
            "the 'missing function' record")


def check_call(record: dict, form: StepForm) -> list[tuple[int, tuple[int, ...], str, bool]]:
    """Validate a call record (its "call" already checked); return its array references as
    (offset, shape, path, is_input)."""
    allowed = {"call": is_offset, "warnings": _texts, "raised": _exception, "leaves": lambda v: type(v) is list,
               "inputs_after": lambda v: type(v) is list}
    _fields(record, allowed, {"call", "warnings"}, "the record")
    if ("raised" in record) == ("leaves" in record):
        raise FormError("the record must hold either an exception or an answer")
    if ("inputs_after" in record) != form.report_inputs:
        raise FormError("the record's inputs do not match the plan")
    refs: list[tuple[int, tuple[int, ...], str, bool]] = []
    seen: set[str] = set()
    for leaf in record.get("leaves", []):
        path = leaf.get("path") if type(leaf) is dict else None
        kind = form.answers.get(path) if type(path) is str else None
        if kind is None or path in seen:
            raise FormError("an answer at an unknown or repeated path")
        seen.add(path)
        if kind == "note":
            _fields(leaf, {"path": _text, "note": _text}, {"path", "note"}, "a note")
            continue
        value = {"str": _text} if kind == "str" else {"at": is_array_offset, "shape": is_shape}
        _fields(leaf, {"path": _text, "type": _text, "problem": _text, **value}, {"path"}, "an answer")
        if ("at" in leaf) != ("shape" in leaf) or sum(k in leaf for k in ("problem", "str", "at")) != 1:
            raise FormError("an answer must hold exactly one value or problem")
        if "at" in leaf:
            refs.append((leaf["at"], tuple(leaf["shape"]), path, False))
    allowed_inputs = form.inputs[record["call"]]
    allowed_dicts = form.dicts[record["call"]] if form.dicts else frozenset()
    seen = set()
    for item in record.get("inputs_after", []):
        path = item.get("path") if type(item) is dict else None
        if type(path) is str and path in allowed_dicts and path not in seen and "keys_added" in item:
            seen.add(path)
            _fields(item, {"path": _text, "added": _short_texts, "removed": _short_texts,
                           "keys_added": is_offset, "keys_removed": is_offset},
                    {"path", "added", "removed", "keys_added", "keys_removed"}, "an input dict's keys")
            continue
        if type(path) is not str or path not in allowed_inputs or path in seen:
            raise FormError("an input at an unknown or repeated path")
        seen.add(path)
        _fields(item, {"path": _text, "at": is_array_offset, "shape": is_shape, "problem": _text}, {"path"},
                "an input")
        if ("at" in item) != ("shape" in item) or ("at" in item) == ("problem" in item):
            raise FormError("an input must hold exactly one array or problem")
        if "at" in item:
            refs.append((item["at"], tuple(item["shape"]), path, True))
    return refs


