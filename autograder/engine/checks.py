"""The registry of checks: what runs in the worker (probes) and how it is judged (checks).

A Probe is a batch of calls of one student function on inputs built in the trusted process.
A Check reads the answers of one probe and judges every case, giving credit for the fraction
of cases that pass. An assignment declares its probes and checks (in its own folder, e.g.
autograder/assignments/rnn_bptt/checks/), its points table and its misconception catalogue; this
module holds only what every assignment's checks share.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograder.engine import worker_text
from autograder.engine.cases import Draw
from autograder.engine.expected import Lazy
from autograder.engine.judge import PASS, Verdict, compare, label_sizes
from autograder.i18n import N_, _, ngettext


@dataclass
class Case:
    """One call's inputs. args/kwargs go to the worker; label and meta stay trusted.

    label describes the case to the student by its sizes and kind, never its values (hidden
    cases differ per submission, but what a label says must never give an expected value away).
    visible: a worked example (fixed, public, no points), whose feedback may show every value.
    """

    args: tuple
    kwargs: dict = field(default_factory=dict)
    label: str = ""
    meta: dict = field(default_factory=dict)
    visible: bool = False
    rebuild: Callable[[], Case] | None = field(default=None, repr=False, compare=False)   # see release()

    def release(self) -> bool:
        """Let go of the inputs (a realistic size's: pipeline/ahead.py), if the case can be made again
        (rebuild: the same inputs, since cases come from the grade's Draw), and of the meta's Lazy
        values not computed yet (each holds the inputs it will be computed from). Whatever asks for
        them again (args, kwargs, meta) has the case rebuilt: its inputs and those values are kept
        from then on; values computed before stay. False when there is no rebuild (nothing is let go)."""
        if self.rebuild is None or "args" not in self.__dict__:
            return False
        if any(isinstance(v, Lazy) and not v.done for v in self.meta.values()):
            self.__dict__["_computed"] = {k: v for k, v in self.meta.items() if not isinstance(v, Lazy) or v.done}
            del self.meta
        del self.args, self.kwargs
        return True

    def __getattr__(self, name: str):
        rebuild = self.__dict__.get("rebuild")
        if name not in ("args", "kwargs", "meta") or rebuild is None:
            raise AttributeError(name)
        again = rebuild()
        self.args, self.kwargs = again.args, again.kwargs
        if "meta" not in self.__dict__:
            self.meta = {**again.meta, **self.__dict__.pop("_computed", {})}
        return self.__dict__[name]

    @property
    def sizes(self) -> dict[str, int]:
        """The named sizes the label states (N=2, T=4, ...): how a hidden case's feedback names the
        dimensions of an answer of the wrong shape (judge.shape_mismatch)."""
        return label_sizes(self.label)


@dataclass
class CallResult:
    """What one call gave back, as plain data. status: ok, raised, timeout, crashed, not_run,
    missing (function or module not there), import_error."""

    status: str
    leaves: dict[str, dict] = field(default_factory=dict)
    raised: dict | None = None
    warnings: list[str] = field(default_factory=list)
    inputs_after: dict[str, dict] = field(default_factory=dict)
    detail: str = ""
    import_timed_out: bool = False      # import_error: the file's import ran out of time

    def leaf(self, path: str) -> dict | None:
        return self.leaves.get(path)


@dataclass(frozen=True)
class Probe:
    """A batch of calls of one function. build(draw) makes its cases from the grade's Draw.

    visible: worked examples, run in a worker of their own that never holds a hidden input.
    last: run after every other probe (a large case whose timeout must cost nothing else).
    realistic: the realistic-size case of a function marked sequence_gradient: run last, with a CPU
    budget of its own (Limits.realistic_cpu_seconds), judged against the reference only, and a gate
    of all the function's points (grade.apply_realistic_gates).
    """

    id: str
    function: str
    build: Callable[[Draw], list[Case]]
    report_inputs: bool = True
    visible: bool = False
    last: bool = False
    realistic: bool = False

    def __post_init__(self):
        if self.realistic:
            object.__setattr__(self, "last", True)


Judge = Callable[[Case, CallResult], Verdict]


@dataclass(frozen=True)
class Check:
    id: str              # key of the points table: "<function>.<what>"
    function: str        # the student function it grades (the test name's prefix)
    title: str           # "h matches the reference"
    probe: str           # id of the probe whose answers it judges
    judge: Judge
    expects_exception: bool = False   # a raised exception is judged, not a failure
    gated_by: str | None = None       # a property: its credit is scaled by this value check's pass rate
    extra_probes: tuple[str, ...] = ()   # further probes whose cases this check also judges
    chance: float = 0.0               # the pass rate of a guess (categorical answers): scored above it only
    example: bool = False             # a worked example: no points, shown when the function fails

    @property
    def probes(self) -> tuple[str, ...]:
        return (self.probe, *self.extra_probes)

    @property
    def name(self) -> str:
        return f"{self.function}: {_(self.title)}"     # the title in the active language (the registry's msgid)


# ---- judges shared by many checks -----------------------------------------------------------
def matches(path: str, expected: Callable[[Case], Any], name: str | None = None) -> Judge:
    """Judge output `path` against expected(case), per the contract's tolerance (e.g. docs/contracts/rnn_bptt.md)."""

    def judge(case: Case, result: CallResult) -> Verdict:
        return compare(result.leaf(path), expected(case), name or path, visible=case.visible, sizes=case.sizes)

    judge.outputs = (path,)     # what it judges: grade.apply_realistic_values reads it
    return judge


def all_of(*judges: Judge) -> Judge:
    def judge(case: Case, result: CallResult) -> Verdict:
        for j in judges:
            v = j(case, result)
            if not v.passed:
                return v
        return PASS

    return judge


def warning_free(case: Case, result: CallResult) -> Verdict:
    if result.warnings:
        return Verdict(False, _("the call raised a warning under NumPy's default error state: {warning}").format(
            warning=worker_text.phrase(result.warnings[0])))
    return PASS


def flatten_inputs(args: tuple, kwargs: dict) -> dict[str, np.ndarray]:
    """Input arrays by the paths the worker reports them under (arg0, arg2['W_xh'], ...)."""
    flat: dict[str, np.ndarray] = {}

    def walk(obj, path):
        if isinstance(obj, dict):
            for k, v in obj.items():
                walk(v, f"{path}[{k!r}]")
        elif isinstance(obj, np.ndarray):
            flat[path] = obj

    for i, a in enumerate(args):
        walk(a, f"arg{i}")
    for k, v in kwargs.items():
        walk(v, k)
    return flat


def inputs_unchanged(arg_names: tuple[str, ...]) -> Judge:
    """Every input array is, after the call, exactly what was passed in."""

    def judge(case: Case, result: CallResult) -> Verdict:
        keys = key_change(case, result, arg_names)
        if keys:
            return Verdict(False, keys)
        for path, original in flatten_inputs(case.args, case.kwargs).items():
            after = result.inputs_after.get(path)
            label = _readable_path(path, arg_names)
            if after is None or "array" not in after:
                return Verdict(False, _("{label} could not be read back after the call").format(label=label))
            got = after["array"]
            if got.shape != original.shape or not np.array_equal(got, original, equal_nan=True):
                if "[" in path:   # an entry of a dict argument: changed in place, or replaced in the dict
                    return Verdict(False, _("{label} was changed by the call: the array was modified in place or "
                                            "replaced in the dict you were given. Build and return a new dict "
                                            "(e.g. {{k: g * scale for k, g in grads.items()}}) and leave the input "
                                            "alone.").format(label=label))
                return Verdict(False, _("{label} was modified in place by the call. Work on a copy "
                                        "(e.g. x = x.copy(), or z = a + b instead of a += b).").format(label=label))
        return PASS

    return judge


def input_dict_keys(args: tuple, kwargs: dict) -> set[str]:
    """Every key of the call's input dicts (the contract's names: W_xh, dW_hh...)."""
    keys: set[str] = set()
    stack = [*args, *kwargs.values()]
    while stack:
        obj = stack.pop()
        if isinstance(obj, dict):
            keys |= {k for k in obj if isinstance(k, str)}
            stack += obj.values()
    return keys


def key_change(case: Case, result: CallResult, arg_names: tuple[str, ...]) -> str:
    """What the call did to the keys of an input dict ("" when nothing). A key the submission added is
    named on worked examples, and on hidden cases only when it is one of the contract's keys (any
    other name it chose could carry a hidden value out)."""
    contract = input_dict_keys(case.args, case.kwargs)
    fix = _("Do not change the dicts you are given: keep what you need in variables of your own (or return "
            "it), and build a new dict for a result.")
    for path, item in sorted(result.inputs_after.items()):
        if not isinstance(item, dict) or "keys_added" not in item:
            continue
        label = _readable_path(path, arg_names)
        removed = [k for k in item.get("removed", []) if k in contract]
        if item.get("keys_removed"):
            if removed:
                return ngettext("{label} was changed by the call: the key {keys} was removed from it (del or "
                                "pop).", "{label} was changed by the call: the keys {keys} were removed from it "
                                "(del or pop).", len(removed)).format(
                    label=label, keys=", ".join(repr(k) for k in removed)) + " " + fix
            return _("{label} was changed by the call: a key was removed from it (del or pop).").format(
                label=label) + " " + fix
        added = [k for k in item.get("added", []) if isinstance(k, str) and (case.visible or k in contract)]
        count = item.get("keys_added") if isinstance(item.get("keys_added"), int) else 1
        if added:      # how many in all only on a worked example: on a hidden case the count is the code's to choose
            more = (" " + _("({n} keys were added in all.)").format(n=count)
                    if count > len(added) and case.visible else "")
            return ngettext("{label} was changed by the call: the key {keys} was added to it.",
                            "{label} was changed by the call: the keys {keys} were added to it.", len(added)).format(
                label=label, keys=", ".join(repr(k) for k in added)) + more + " " + fix
        if case.visible:
            return ngettext("{label} was changed by the call: {n} key was added to it.",
                            "{label} was changed by the call: {n} keys were added to it.", count).format(
                label=label, n=count) + " " + fix
        return (_("{label} was changed by the call: a key was added to it (its name is not shown for hidden "
                  "cases).") if count <= 1 else _("{label} was changed by the call: keys were added to it (their "
                                                  "names and number are not shown for hidden cases).")).format(
            label=label) + " " + fix
    return ""


def _readable_path(path: str, arg_names: tuple[str, ...]) -> str:
    if path.startswith("arg"):
        head, _sep, rest = path[3:].partition("[")
        if head.isdigit() and int(head) < len(arg_names):
            return _("the input {name}").format(name=arg_names[int(head)] + (f"[{rest}" if rest else ""))
    return _("the input {name}").format(name=path)


def other_probes(probes: list[Probe], function: str, main: str) -> tuple[str, ...]:
    """The ids of every hidden probe of `function` but `main` (for checks that look at all calls).

    Worked examples and a probe run last (a large case judged against the reference only) are left out.
    """
    return tuple(p.id for p in probes if p.function == function and p.id != main and not p.visible and not p.last)


def example_check(function: str, probe: str, judge: Judge, expects_exception: bool = False) -> Check:
    """FUNCTION's worked example: no points; run in a worker that holds no hidden input, so its
    feedback may show inputs, expected values and the full text of an exception."""
    return Check(f"{function}.example", function, N_("worked example (visible, no points)"), probe, judge,
                 expects_exception=expects_exception, example=True)


def inputs_check(probes: list[Probe], function: str, main: str, arg_names: tuple[str, ...], gate: str) -> Check:
    """"<function>: does not modify its input(s)", judged on every call of every probe of the function.

    A raised exception is no failure here (the inputs are still compared), and the check earns
    credit only once the value check `gate` passes a case.
    """
    return Check(f"{function}.inputs", function,
                 N_("does not modify its input") if arg_names == ("x",) else N_("does not modify its inputs"),
                 main, inputs_unchanged(arg_names), gated_by=gate,
                 extra_probes=other_probes(probes, function, main), expects_exception=True)


def all_checks(assignment=None) -> list[Check]:
    """Every graded check of ASSIGNMENT (default: the default one), in the order of the report."""
    from autograder.assignment import load

    return load(assignment).graded_checks()


def all_probes(assignment=None) -> dict[str, Probe]:
    """Every probe of ASSIGNMENT (default: the default one), by id."""
    from autograder.assignment import load

    return load(assignment).probe_map
