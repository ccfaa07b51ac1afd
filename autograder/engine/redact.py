"""What of the worker's free text may reach feedback: on hidden cases, nothing the submission chose.

The worker runs student code, so every string it sends back (exception messages, type names,
warning texts, the file, line and code of an exception, its descriptions of a malformed answer)
could carry the hidden inputs out to the student. Every CallResult is redacted here before any
check reads it:

- the place of an exception is translated to the student's own file and line through the
  canonical line map, and its code line and function are read from the student's file in the
  trusted process (canonical.py); a place outside the graded files is dropped;
- on hidden cases, exception and value types are shown only when they are builtin or NumPy names
  (else "an exception of a class defined in your code" / "an object of another type"), NumPy's
  warnings only in their own fixed wording, exception messages never, and the worker's
  descriptions of a malformed answer only as one of its own fixed sentences, with every part the
  submission could choose replaced (type names outside the lists, the shape of an array too large
  to read, a list's length beyond MAX_ITEMS_SHOWN);
- on hidden cases, a key the submission added to an input dict is kept only when it is an identifier,
  and the check names it only when it is one of the contract's keys (checks.inputs_unchanged);
- visible examples (run in a worker that never held a hidden input) keep their full text.
"""
from __future__ import annotations

import builtins
import re
from dataclasses import replace

from autograder.engine.checks import CallResult
from autograder.intake.canonical import Canonical

SAFE_TYPES = frozenset({
    "NoneType", "int", "float", "bool", "complex", "str", "bytes", "bytearray", "list", "tuple", "dict",
    "set", "frozenset", "range", "generator", "function", "builtin_function_or_method", "method", "type",
    "object", "map", "filter", "zip", "numpy.ndarray", "numpy.matrix", "numpy.float64", "numpy.float32",
    "numpy.float16", "numpy.longdouble", "numpy.int64", "numpy.int32", "numpy.int8", "numpy.uint8",
    "numpy.bool_", "numpy.bool", "numpy.complex128", "numpy.complex64", "numpy.str_", "numpy.object_",
    "numpy.ma.MaskedArray", "numpy.ma.core.MaskedArray", "numpy.linalg.LinAlgError",
    "numpy.linalg.linalg.LinAlgError", "numpy.exceptions.AxisError", "numpy.AxisError",
})
SAFE_EXCEPTIONS = frozenset(name for name, value in vars(builtins).items()
                            if isinstance(value, type) and issubclass(value, BaseException))
NUMPY_WARNING = re.compile(r"^RuntimeWarning: (overflow|underflow|invalid value|divide by zero) encountered in "
                           r"([a-z_ ]{1,40})$")
# The words NumPy ends that sentence with: ufunc names, plus "scalar", "reduce" and a few functions'.
# Only these pass, so the sentence cannot carry letters a submission chose.
NUMPY_WORDS = frozenset({"scalar", "reduce", "matmul", "dot", "det", "svd", "cast", "log", "exp", "expm1", "log1p",
                         "cosh", "sinh", "tanh", "power", "square", "sqrt", "multiply", "add", "subtract", "divide",
                         "true_divide", "floor_divide", "reciprocal", "negative", "absolute", "exp2", "log2",
                         "log10", "arctanh", "arccosh", "arcsin", "arccos", "tan", "sin", "cos", "remainder",
                         "fmod", "hypot", "logaddexp", "float_power", "ldexp", "nextafter", "spacing"})
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,59}$")
MAX_ITEMS_SHOWN = 5     # a hidden case shows a returned list's or tuple's length up to this, else "more than"


def safe_type(name: object) -> str | None:
    return name if isinstance(name, str) and (name in SAFE_TYPES or name in SAFE_EXCEPTIONS) else None


def type_phrase(name: object) -> str:
    return safe_type(name) or "another type"


def safe_warning(text: object) -> str:
    match = NUMPY_WARNING.match(text) if isinstance(text, str) else None
    if match and set(match.group(2).split()) <= NUMPY_WORDS:
        return text
    category = text.split(":", 1)[0] if isinstance(text, str) else ""
    return f"{category} (its message is not shown for hidden cases)" if category in SAFE_EXCEPTIONS else \
        "a warning (its message is not shown for hidden cases)"


def translate_place(where: object, canonical: Canonical | None) -> dict | None:
    """The exception's place in the student's own file, read on the trusted side; None if unknown."""
    if not isinstance(where, dict) or canonical is None:
        return None
    line_map = canonical.files.get(where.get("file")) if isinstance(where.get("file"), str) else None
    found = line_map.where(where.get("line")) if line_map is not None else None
    if found is None:
        return None
    line, code, function = found
    place = {"file": where["file"], "line": line, "function": function, "code": code}
    cell = line_map.in_notebook(line)
    if cell is not None:          # a module read from a notebook: the cell and its line, as the student knows them
        place.update(file=cell[0], cell=cell[1], line=cell[2])
    return place


def redact_raised(raised: dict, canonical: Canonical | None, visible: bool) -> dict:
    """The exception record as the checks may read it (see the module docstring)."""
    out: dict = {}
    mro = [m for m in raised.get("mro", []) if isinstance(m, str) and IDENTIFIER.match(m)] \
        if isinstance(raised.get("mro"), list) else []
    out["mro"] = mro[:12]
    kind = raised.get("type")
    if visible:
        out["type"] = kind if isinstance(kind, str) else "an exception"
        out["message"] = raised.get("message") if isinstance(raised.get("message"), str) else ""
    else:
        base = next((m for m in mro if m in SAFE_EXCEPTIONS), None)
        out["type"] = safe_type(kind) or (f"an exception of a class defined in your code (a kind of {base})"
                                          if base and base not in ("BaseException", "Exception", "object")
                                          else "an exception of a class defined in your code")
        out["message"] = ""
        out["message_hidden"] = True
    for key in ("line", "code", "file"):      # a SyntaxError's own fields (import records only)
        if key in raised and visible:
            out[key] = raised[key]
    missing = raised.get("missing_module")
    imported = {name for f in canonical.files.values() for name in f.imports} if canonical is not None else set()
    if isinstance(missing, str) and (visible or any(missing == m or m.startswith(missing + ".") for m in imported)):
        out["missing_module"] = missing[:120]       # on hidden cases, only a module the code names in an import
    place = translate_place(raised.get("where"), canonical)
    if place is not None:
        out["where"] = place
    return out


# The worker's own descriptions of a malformed answer (sandbox/worker.py), with what may stay.
_PROBLEMS = [
    (re.compile(r"^(\w+ should return a tuple of \d+ items \([\w, ]+\)); it returned (.*)$", re.S), "tuple"),
    (re.compile(r"^(.{1,120}? should be a dict with the keys [\w, ]+); it is (.*)$", re.S), "dict"),
    (re.compile(r"^(the key '\w+' is missing from the dict .{0,120})$", re.S), "key"),
    (re.compile(r"^expected a string, got (.*)$", re.S), "string"),
    (re.compile(r"^expected (an array of numbers|a number), got None( \(is a `return` statement missing\?\))?$"),
     "keep"),
    (re.compile(r"^expected (an array of numbers|a number), got the (string|bytes) .*$", re.S), "text"),
    (re.compile(r"^expected (an array of numbers|a number), got complex numbers \(dtype (complex|complex64|complex128|"
                r"complex256|clongdouble)\): answers must be real \(float64\); if the imaginary part is zero, return "
                r"the real part \(np\.real\)$"), "keep"),
    (re.compile(r"^expected (an array of numbers|a number), got (\S+), which NumPy cannot turn into .*$", re.S),
     "numpy"),
    (re.compile(r"^expected (an array of numbers|a number), got an array of shape \([\d, ]*\), far larger .*$",
                re.S), "huge"),
    (re.compile(r"^the answer of (\w+) could not be read: it raised .*$", re.S), "unreadable"),
]


def _what_it_is(text: str) -> str:
    if text.startswith("None"):
        return text if text in ("None", "None (is a `return` statement missing?)") else "None"
    m = re.match(r"^a (\S+) of (\d+) items?$", text)
    if m and int(m.group(2)) > MAX_ITEMS_SHOWN:      # the submission chooses the length: a bucket
        return f"a {type_phrase(m.group(1))} of more than {MAX_ITEMS_SHOWN} items"
    if m:
        return f"a {type_phrase(m.group(1))} of {m.group(2)} item{'s' if m.group(2) != '1' else ''}"
    m = re.match(r"^a value of type (\S+)$", text)
    return f"a value of type {type_phrase(m.group(1))}" if m else "a value of another type"


def schema_sentences(function: str, schema: dict) -> frozenset[str]:
    """The parts of the worker's sentences (sandbox/worker.py, flatten) that name FUNCTION's answer
    structure, as its schema makes them: the only such parts a hidden case's problem may keep (the
    submission can write records of its own, so a name or count in them is its to choose)."""
    out = {f"the answer of {function} could not be read"}

    def walk(node: dict, path: str) -> None:
        if node.get("kind") not in ("tuple", "dict"):
            return
        names = node["names"] if node["kind"] == "tuple" else node["keys"]
        if node["kind"] == "tuple":
            out.add(f"{function} should return a tuple of {len(names)} items ({', '.join(names)})")
        else:
            out.add(f"{path or 'the answer'} should be a dict with the keys {', '.join(names)}")
        for n, child in zip(names, node["items"]):
            if node["kind"] == "dict":
                out.add(f"the key {n!r} is missing from the dict {path or 'returned'}")
            walk(child, (f"{path}.{n}" if path else n) if node["kind"] == "tuple" else f"{path}[{n!r}]")

    walk(schema, "")
    return frozenset(out)


def safe_problem(text: object, allowed: frozenset[str] = frozenset()) -> str:
    """A hidden case's description of a malformed answer, keeping only the worker's fixed wording
    and, of the names it quotes, only the sentences ALLOWED (schema_sentences) holds."""
    if not isinstance(text, str):
        return "the answer could not be read"
    for pattern, how in _PROBLEMS:
        m = pattern.match(text)
        if not m:
            continue
        if how in ("tuple", "dict", "key") and m.group(1) not in allowed:
            break
        if how in ("keep", "key"):
            return text
        if how in ("tuple", "dict"):
            return f"{m.group(1)}; {'it returned' if how == 'tuple' else 'it is'} {_what_it_is(m.group(2))}"
        if how == "string":
            return f"expected a string, got {_what_it_is(m.group(1))}"
        if how == "text":
            text_kind = "a string" if m.group(2) == "string" else "bytes"
            return f"expected {m.group(1)}, got {text_kind} (text, not a number)"
        if how == "numpy":
            return f"expected {m.group(1)}, got {type_phrase(m.group(2))}, which NumPy cannot turn into float64 numbers"
        if how == "huge":       # its shape is the submission's to choose: not shown
            return f"expected {m.group(1)}, got an array far larger than any expected answer"
        if how == "unreadable" and f"the answer of {m.group(1)} could not be read" in allowed:
            return f"the answer of {m.group(1)} could not be read: converting it raised an exception"
    return "the answer could not be read as numbers of the expected structure"


def redact(result: CallResult, canonical: Canonical | None, visible: bool, function: str = "",
           schema: dict | None = None) -> CallResult:
    """RESULT as the checks may read it (see the module docstring); FUNCTION and its answer SCHEMA
    give the names a hidden case's problem may quote (schema_sentences)."""
    allowed = schema_sentences(function, schema) if schema is not None and not visible else frozenset()
    raised = redact_raised(result.raised, canonical, visible) if isinstance(result.raised, dict) else None
    if visible:
        return replace(result, raised=raised)
    leaves = {}
    for path, leaf in result.leaves.items():
        leaf = dict(leaf)
        if "problem" in leaf:
            leaf["problem"] = safe_problem(leaf["problem"], allowed)
        if "type" in leaf:
            leaf["type"] = type_phrase(leaf["type"])
        if "str" in leaf and not isinstance(leaf["str"], str):
            leaf.pop("str")
        leaves[path] = leaf
    inputs_after = {p: ({k: v for k, v in leaf.items() if k != "problem"} | {"problem": "unreadable"}
                        if "problem" in leaf else leaf) for p, leaf in result.inputs_after.items()}
    for p, leaf in inputs_after.items():
        if "keys_added" in leaf:        # an input dict's keys: a key the submission added is its own text
            inputs_after[p] = leaf | {"added": [k for k in leaf.get("added", []) if IDENTIFIER.match(k)]}
    return replace(result, raised=raised, leaves=leaves, inputs_after=inputs_after,
                   warnings=[safe_warning(w) for w in result.warnings])
