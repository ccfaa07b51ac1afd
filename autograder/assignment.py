"""An assignment, as one declaration the engine grades: `Assignment`, and the registry that finds one.

Everything specific to an assignment lives in a folder of its own (docs/adding-an-assignment.md):
its contract (student files, functions, signatures, answer schemas, helpers), its points table,
probes and checks, misconception catalogue, public helpers, reference solution, stubs and
notebook layout. The engine (staging, plan, sandbox, judging, scoring, diagnosis, results,
reports, batch, Gradescope, notebook builder, cli) takes an `Assignment` and names no student
function. Built-in assignments are packages of autograder/assignments/ (found by name); an
instructor's own is a folder holding the same layout (found by path: `--assignment PATH`).
"""
from __future__ import annotations

import importlib
import importlib.util
import inspect
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from autograder.diagnosis.registry import Misconception
    from autograder.engine.checks import Check, Probe

REPO_ROOT = Path(__file__).resolve().parents[1]      # a checkout, or the Gradescope zip's source/
BUILTIN_DIR = Path(__file__).resolve().parent / "assignments"
DEFAULT = "rnn_bptt"

# ---- the contract's vocabulary: answer schemas (what the worker flattens and sends back) -------------
ARRAY = {"kind": "array"}
SCALAR = {"kind": "scalar"}
STRING = {"kind": "str"}


def tuple_of(**items: dict) -> dict:
    return {"kind": "tuple", "names": list(items), "items": list(items.values())}


def dict_of(keys: tuple[str, ...]) -> dict:
    return {"kind": "dict", "keys": list(keys), "items": [ARRAY] * len(keys)}


def leaf_paths(schema: dict, path: str = "") -> list[str]:
    """The answer paths of SCHEMA's numeric leaves, as the worker and the feedback name them:
    "dx", "grads['W_hh']", "output" for a bare array. (sandbox/worker.py has its own copy: the
    worker imports nothing of the grader.)"""
    kind = schema["kind"]
    if kind == "tuple":
        return [p for name, child in zip(schema["names"], schema["items"])
                for p in leaf_paths(child, f"{path}.{name}" if path else name)]
    if kind == "dict":
        return [p for key, child in zip(schema["keys"], schema["items"]) for p in leaf_paths(child, f"{path}[{key!r}]")]
    return [path or "output"] if kind in ("array", "scalar") else []


@dataclass(frozen=True)
class StudentFunction:
    name: str
    module: str                 # file stem in the submission's top folder
    signature: str              # as the handout and stubs print it
    schema: dict                # the structure of the answer (see sandbox/worker.py)
    helper: str | None = None   # a function of the same module it may build on (graded with a correct one)
    # Returns gradients with respect to parameters over a sequence (a BPTT): it must have a
    # realistic-size probe (Probe.realistic), whose case gates all its points (grade.apply_realistic_gates).
    sequence_gradient: bool = False
    # Of a sequence_gradient function: the outputs that only backpropagation through time can give at
    # the realistic size, as answer paths ("grads['W_hh']"): the H x H recurrent weights' gradients,
    # whose numerical differentiation needs H^2 forward passes (over a TFLOP for H = 128). Its other
    # value tests count only while one of these is right there (grade.apply_realistic_values): a
    # gradient with few entries (a bias, h0, even D x H input weights) can be differentiated
    # numerically at that size within the budget.
    bptt_witnesses: tuple[str, ...] = ()
    # Outputs that need no backpropagation through time (the output layer's gradients, one product
    # each): their tests count without a witness.
    outside_recurrence: tuple[str, ...] = ()
    # How many calls of a substituted helper one case may make (None: any number). When set, the run
    # that grades this function with a correct helper answers only the helper calls on the case's own
    # inputs (the helper's arguments are this function's arguments of the same names), that many
    # times: the worker holds those answers, never the helper's code (worker.answer_table).
    helper_calls: int | None = None

    @property
    def filename(self) -> str:
        return f"{self.module}.py"

    @property
    def arg_names(self) -> tuple[str, ...]:
        """The argument names of the signature: "f(x, h0, k=1) -> y" gives ("x", "h0", "k")."""
        return signature_args(self.signature)


def signature_args(signature: str) -> tuple[str, ...]:
    """The argument names of a signature as the handout prints it, defaults dropped."""
    inner = signature.split("(", 1)[1].split(")", 1)[0] if "(" in signature else ""
    return tuple(a.split("=")[0].strip() for a in inner.split(",") if a.strip())


def repo_path(relative: str) -> Path:
    """A path of the project's checkout (or of the Gradescope zip, which keeps the same layout)."""
    return REPO_ROOT / relative


class Reference:
    """An assignment's reference solution (trusted): MODULES of folder DIR, loaded once as one namespace.

    It is never copied where the worker can read it.
    """

    def __init__(self, directory: Path, modules: tuple[str, ...]):
        self.dir = Path(directory)
        self.modules = tuple(modules)
        self._loaded: SimpleNamespace | None = None

    def load(self) -> SimpleNamespace:
        """All reference functions and constants as one namespace (ref.<function>, ref.<CONSTANT>...)."""
        if self._loaded is None:
            names: dict = {}
            for module in self.modules:
                path = self.dir / f"{module}.py"
                if not path.is_file():
                    raise FileNotFoundError(f"reference solution not found: {path}")
                spec = importlib.util.spec_from_file_location(f"_reference_{id(self)}.{module}", path)
                mod = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(mod)
                names.update({k: v for k, v in vars(mod).items() if not k.startswith("_")})
            self._loaded = SimpleNamespace(**names)
        return self._loaded


@dataclass(frozen=True)
class NotebookLayout:
    """Where the nbgrader notebook puts each file's solution cell and each self-check test.

    after_section: module -> the handout's "## N." section after which its solution cell comes;
    selfcheck_home: public self-check test -> the student function whose test cell runs it;
    note: Markdown shown after the handout's introduction.
    """

    after_section: Mapping[str, int]
    selfcheck_home: Mapping[str, str]
    note: str = ""


@dataclass(frozen=True)
class Assignment:
    """Everything specific to one assignment. Build it in the folder's __init__.py as ASSIGNMENT."""

    name: str                                   # e.g. "rnn_bptt": results, caches and zips say it
    title: str                                  # e.g. "the RNN / BPTT assignment" (help texts)
    functions: tuple[StudentFunction, ...]      # the contract, in the order of reports
    points: Mapping[str, float]                 # check id -> points
    total: float                                # what the points sum to (checked)
    probes: tuple[Probe, ...]
    checks: tuple[Check, ...]                   # in report order; worked examples (example=True) too
    misconceptions: tuple[Misconception, ...] = ()   # in priority order
    helpers: Mapping[str, Callable] = field(default_factory=dict)   # public helper maths, by function name
    reference: Reference | None = None
    stubs_dir: Path | None = None               # the students' folder: stubs, handout.md, test_selfcheck.py
    notebook: NotebookLayout | None = None
    contract_doc: str = ""                      # the student contract in the docs, e.g. docs/contracts/rnn_bptt.md
    folder: Path | None = None                  # the declaration's own folder (set by the registry)

    # ---- derived views ------------------------------------------------------------------------
    @cached_property
    def by_name(self) -> dict[str, StudentFunction]:
        return {f.name: f for f in self.functions}

    @cached_property
    def modules(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.module for f in self.functions))

    def functions_in(self, module: str) -> list[StudentFunction]:
        return [f for f in self.functions if f.module == module]

    @cached_property
    def probe_map(self) -> dict[str, Probe]:
        return {p.id: p for p in self.probes}

    def graded_checks(self) -> list[Check]:
        """Every graded check, in the order of the report (worked examples are not among them)."""
        return [c for c in self.checks if not c.example]

    def example_checks(self) -> list[Check]:
        return [c for c in self.checks if c.example]

    def helper_source(self, name: str) -> str:
        """The source text of public helper NAME, as the worker executes it."""
        return inspect.getsource(self.helpers[name])

    def ref(self) -> SimpleNamespace:
        if self.reference is None:
            raise FileNotFoundError(f"assignment {self.name} declares no reference solution")
        return self.reference.load()

    def function_points(self) -> dict[str, float]:
        """Points per student function (the sum of its checks' points)."""
        return {f.name: round(sum(p for cid, p in self.points.items() if cid.split(".")[0] == f.name), 4)
                for f in self.functions}


# ---- validation -------------------------------------------------------------------------------------
class AssignmentError(Exception):
    """A declaration that refers to something missing; the message lists every problem."""


def problems(a: Assignment) -> list[str]:
    """Every dangling reference of the declaration (empty when it is sound)."""
    out: list[str] = []
    names = set(a.by_name)
    if not re.fullmatch(r"[a-z][a-z0-9_]*", a.name):
        out.append(f"name {a.name!r} is not a lower-case identifier")
    for f in a.functions:
        if f.helper is not None and (f.helper not in names or a.by_name[f.helper].module != f.module):
            out.append(f"{f.name}: helper {f.helper!r} is not a student function of {f.filename}")
        if f.helper is not None and f.helper not in a.helpers:
            out.append(f"{f.name}: helper {f.helper!r} has no public helper (helpers)")
    for h in a.helpers:
        if h not in names:
            out.append(f"public helper {h!r} is not a student function")
    probes = a.probe_map
    for p in a.probes:
        if p.function not in names:
            out.append(f"probe {p.id}: unknown function {p.function!r}")
        elif p.realistic and (p.visible or not a.by_name[p.function].sequence_gradient):
            out.append(f"probe {p.id}: a realistic-size probe must be hidden and of a function marked "
                       "sequence_gradient")
    for f in a.functions:
        realistic = [p.id for p in a.probes if p.function == f.name and p.realistic]
        judged = [c.id for c in a.checks if not c.example and set(c.probes) & set(realistic)]
        if f.sequence_gradient and not judged:
            out.append(f"{f.name}: returns gradients over a sequence (sequence_gradient) but has no realistic-size "
                       "probe (Probe(..., realistic=True)) judged by a graded check")
        leaves = set(leaf_paths(f.schema))
        if f.sequence_gradient and not f.bptt_witnesses:
            out.append(f"{f.name}: a sequence_gradient function names its bptt_witnesses (the outputs only "
                       "backpropagation through time gives at the realistic size, e.g. \"grads['W_hh']\")")
        for path in (*f.bptt_witnesses, *f.outside_recurrence):
            if path not in leaves:
                out.append(f"{f.name}: {path!r} is no output of its answer (its outputs: {', '.join(sorted(leaves))})")
        if f.helper_calls is not None and (f.helper is None or f.helper_calls < 1):
            out.append(f"{f.name}: helper_calls needs a helper and a count of at least 1")
        elif f.helper_calls is not None and f.helper in names:
            lacking = [n for n in a.by_name[f.helper].arg_names if n not in f.arg_names]
            if lacking:
                out.append(f"{f.name}: helper_calls: its signature has no argument {lacking[0]!r} for its helper "
                           f"{f.helper} (a counted helper is called with the case's own arguments)")
    checks = {c.id: c for c in a.checks}
    if len(checks) != len(a.checks):
        out.append("two checks share an id")
    for c in a.checks:
        if c.function not in names:
            out.append(f"check {c.id}: unknown function {c.function!r}")
        for pid in c.probes:
            if pid not in probes:
                out.append(f"check {c.id}: unknown probe {pid!r}")
            elif probes[pid].function != c.function:
                out.append(f"check {c.id}: probe {pid!r} calls {probes[pid].function}, not {c.function}")
        if c.gated_by is not None and (c.gated_by not in checks or checks[c.gated_by].example):
            out.append(f"check {c.id}: gated_by {c.gated_by!r} is not a graded check")
        if not c.example and c.id not in a.points:
            out.append(f"check {c.id}: no entry in the points table")
    graded = {c.id for c in a.checks if not c.example}
    out += [f"points entry {cid!r}: no such check" for cid in a.points if cid not in graded]
    if round(sum(a.points.values()), 4) != round(a.total, 4):
        out.append(f"the points sum to {round(sum(a.points.values()), 4):g}, not the total {a.total:g}")
    for m in a.misconceptions:
        if m.function not in names:
            out.append(f"misconception {m.name}: unknown function {m.function!r}")
        out += [f"misconception {m.name}: unknown check {cid!r}" for cid in m.checks if cid not in graded]
    if a.reference is not None:
        try:
            ref = a.ref()
            out += [f"reference: no function {f.name} in {a.reference.dir}" for f in a.functions
                    if not callable(getattr(ref, f.name, None))]
        except (OSError, SyntaxError, ImportError) as exc:
            out.append(f"reference: {exc}")
    if a.stubs_dir is not None and a.stubs_dir.is_dir():     # the Gradescope zip carries no stubs
        out += [f"stubs: {a.stubs_dir / m}.py is missing" for m in a.modules if not (a.stubs_dir / f"{m}.py").is_file()]
    if a.notebook is not None:
        out += [f"notebook: no section for {m}" for m in a.modules if m not in a.notebook.after_section]
        out += [f"notebook: self-check test {t} goes to unknown function {fn!r}"
                for t, fn in a.notebook.selfcheck_home.items() if fn not in names]
    return out


def validate(a: Assignment) -> Assignment:
    found = problems(a)
    if found:
        where = f" ({a.folder})" if a.folder else ""
        raise AssignmentError(f"assignment {a.name}{where} is not sound:\n  - " + "\n  - ".join(found))
    return a


# ---- the registry -----------------------------------------------------------------------------------
_LOADED: dict[str, Assignment] = {}


def loaded() -> list[Assignment]:
    """The assignments this process has loaded (the sandbox hides their folders and references)."""
    return list({id(a): a for a in _LOADED.values()}.values())


def builtin_names() -> list[str]:
    """The built-in assignments: the packages of autograder/assignments/ whose __init__.py declares
    ASSIGNMENT (a package still being written, without one, is not listed)."""
    return sorted(p.parent.name for p in BUILTIN_DIR.glob("*/__init__.py")
                  if not p.parent.name.startswith("_") and "ASSIGNMENT = " in p.read_text(encoding="utf-8"))


def load(spec: str | Path | Assignment | None = None) -> Assignment:
    """The assignment named NAME (built-in), or declared in the folder at a path; default rnn_bptt.

    Loaded once per process and validated: a dangling reference fails here, loudly.
    """
    if isinstance(spec, Assignment):
        return spec
    spec = str(spec or DEFAULT)
    if spec in _LOADED:
        return _LOADED[spec]
    if "/" not in spec and "\\" not in spec and spec in builtin_names():
        module = importlib.import_module(f"autograder.assignments.{spec}")
        folder = BUILTIN_DIR / spec
    else:
        folder = Path(spec).expanduser().resolve()
        if not (folder / "__init__.py").is_file():
            known = ", ".join(builtin_names())
            raise AssignmentError(f"no assignment {spec!r}: not a built-in one ({known}) nor a folder holding "
                                  "an __init__.py that declares ASSIGNMENT (docs/adding-an-assignment.md)")
        module = _import_folder(folder)
    declared = getattr(module, "ASSIGNMENT", None)
    if not isinstance(declared, Assignment):
        raise AssignmentError(f"{folder}/__init__.py defines no ASSIGNMENT = Assignment(...)")
    if declared.folder is None:
        object.__setattr__(declared, "folder", folder)
    _LOADED[spec] = validate(declared)
    return declared


def _import_folder(folder: Path) -> Any:
    """Import FOLDER as a package of its own (relative imports inside it work), under a unique name."""
    name = "_assignment_" + re.sub(r"\W", "_", str(folder))
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, folder / "__init__.py",
                                                  submodule_search_locations=[str(folder)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module
