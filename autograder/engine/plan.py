"""Between checks and worker: turn probes' cases into a worker plan, and its records into results.

Plan: one import step per module found, then one step per probe (grouped by function, in the
order of the assignment's functions). Arrays (float64 only) travel as raw data in one file with
a JSON index (runner.write_inputs). A realistic-size probe's arrays travel apart (Plan.deferred):
the runner hands them over only when the worker starts that step (runner.run_plan).
"""
from __future__ import annotations

import difflib
import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from autograder import i18n
from autograder.assignment import Assignment
from autograder.engine.checks import CallResult, Case, Probe
from autograder.engine.redact import redact, type_phrase
from autograder.intake.canonical import Canonical
from autograder.sandbox.runner import WorkerRun


@dataclass
class Plan:
    steps: list[dict]
    arrays: dict[str, np.ndarray]
    probe_step: dict[str, int]          # probe id -> step index
    module_step: dict[str, int]         # module -> import step index
    # step -> its own arrays, or a function that makes them (let_go_of_later_inputs)
    deferred: dict[int, dict[str, np.ndarray] | Callable[[], dict[str, np.ndarray]]] = field(default_factory=dict)


def _encode(value, arrays: dict[str, np.ndarray]):
    if isinstance(value, np.ndarray):
        if value.dtype != np.float64:
            raise TypeError(f"cannot send a {value.dtype} array to the worker (float64 only)")
        name = f"a{len(arrays)}"
        arrays[name] = value
        return {"array": name}
    if isinstance(value, dict):
        return {"dict": {k: _encode(v, arrays) for k, v in value.items()}}
    if isinstance(value, tuple):
        return {"tuple": [_encode(v, arrays) for v in value]}
    if isinstance(value, (bool, int, float, str)) or value is None:
        return {"value": value}
    raise TypeError(f"cannot send {type(value)} to the worker")


def build_plan(assignment: Assignment, probes: list[Probe], cases: dict[str, list[Case]], modules: list[str],
               helper_answers: dict[str, dict] | None = None) -> Plan:
    """helper_answers: probe id -> {"name": helper, "params": its argument names, "limit": calls per
    case, "calls": per case a list of {"args": {name: value}, "answer": value}} (grade.helper_table)."""
    steps: list[dict] = []
    shared: dict[str, np.ndarray] = {}
    deferred: dict[int, dict[str, np.ndarray]] = {}
    module_step = {}
    for module in modules:
        module_step[module] = len(steps)
        steps.append({"kind": "import", "module": module})
    order = {f.name: i for i, f in enumerate(assignment.functions)}
    probe_step = {}
    for probe in sorted(probes, key=lambda p: (p.last, order[p.function])):
        fn = assignment.by_name[probe.function]
        if fn.module not in module_step:
            continue
        probe_step[probe.id] = len(steps)
        # a realistic-size case's inputs are out of every other call's reach (runner.run_plan)
        arrays = deferred.setdefault(len(steps), {}) if probe.realistic else shared
        calls = encode_calls(cases[probe.id], arrays)
        step = {"kind": "probe", "module": fn.module, "function": fn.name, "schema": fn.schema,
                "calls": calls, "report_inputs": probe.report_inputs}
        if probe.realistic:
            step["realistic"] = True        # its own CPU budget (runner.call_budget), its own inputs
        table = (helper_answers or {}).get(probe.id)
        if table is not None:
            step["helper_answers"] = {
                "name": table["name"], "params": list(table["params"]), "limit": table["limit"],
                "calls": [[{"args": {k: _encode(v, arrays) for k, v in entry["args"].items()},
                            "answer": _encode(entry["answer"], arrays)} for entry in entries]
                          for entries in table["calls"]]}
        steps.append(step)
    return Plan(steps, shared, probe_step, module_step, deferred)


def encode_calls(cases: list[Case], arrays: dict[str, np.ndarray]) -> list[dict]:
    """The calls of CASES as the worker reads them; their arrays go into ARRAYS, named in order."""
    return [{"args": [_encode(a, arrays) for a in c.args],
             "kwargs": {k: _encode(v, arrays) for k, v in c.kwargs.items()}} for c in cases]


def let_go_of_later_inputs(plan: Plan, cases: dict[str, list[Case]]) -> list[int]:
    """Keep in the grader the inputs of one realistic-size step at a time: every deferred step but
    the first lets go of its cases' inputs (Case.release), and the plan makes them again, the same
    arrays by the same names (encode_calls), when the step is handed over (runner._Deferred), unless
    pipeline/ahead.py has rebuilt them while the step before ran. A step that carries a substituted
    helper's answers keeps its arrays. Returns the steps whose inputs were let go of."""
    step_probe = {step: pid for pid, step in plan.probe_step.items()}
    later = [s for s in sorted(plan.deferred)[1:] if "helper_answers" not in plan.steps[s]]
    for step in later:
        step_cases = cases[step_probe[step]]
        if all(c.rebuild is not None for c in step_cases):
            plan.deferred[step] = functools.partial(_rebuilt_inputs, step_cases)
            for case in step_cases:
                case.release()
    return [s for s in later if callable(plan.deferred[s])]


def _rebuilt_inputs(cases: list[Case]) -> dict[str, np.ndarray]:
    arrays: dict[str, np.ndarray] = {}
    encode_calls(cases, arrays)
    return arrays


def _leaves(items: list) -> dict[str, dict]:
    out = {}
    for leaf in items if isinstance(items, list) else []:
        if isinstance(leaf, dict) and isinstance(leaf.get("path"), str):
            out[leaf["path"]] = leaf
    return out


def missing_function(fn, record: dict) -> str:
    """Why FN could not be called, and what to write instead (from the worker's "missing" record)."""
    head, _, returns = fn.signature.partition(" -> ")
    define = f"def {head}:" + (i18n._("   # returns {returns}").format(returns=returns) if returns else "")
    if isinstance(record.get("not_callable"), str):
        first = i18n._("{filename} defines {function}, but as a value of type {kind}, not as a "
                       "function (is the name reused for a variable?).").format(
            filename=fn.filename, function=fn.name, kind=record["not_callable"])
    else:
        first = i18n._("{filename} has no function {function}.").format(filename=fn.filename, function=fn.name)
    names = [n for n in record.get("names", []) if isinstance(n, str)][:60]
    close = [n for n in names if n.lower() == fn.name.lower()] or difflib.get_close_matches(fn.name, names, 1, 0.75)
    if close:
        return first + " " + i18n._("Did you mean {close}? Rename it to {function}:").format(
            close=close[0], function=fn.name) + f"\n    {define}"
    return first + " " + i18n._("Define it at the top level of {filename} (not indented inside another function "
                                "or under `if __name__ == \"__main__\":`):").format(filename=fn.filename) + (
        f"\n    {define}")


IMPORT_TIMED_OUT = i18n.N_("running its top-level code did not finish ({detail})")


def import_stopped(fn, reason: str, detail: str) -> str:
    """The import of FN's file timed out or crashed: the file's top-level code is to blame."""
    if reason == "timeout":
        what = i18n._(IMPORT_TIMED_OUT).format(detail=i18n._(detail))
    else:
        what = i18n._("the process stopped while running its top-level code ({detail})").format(detail=i18n._(detail))
    return i18n._("{filename} could not be loaded: {what}. Code outside functions runs when the grader imports "
                  "the file: put tests, training loops and plots under `if __name__ == \"__main__\":`.").format(
        filename=fn.filename, what=what)


def timed_out(result: CallResult) -> bool:
    """The call, or the import of its file, ran out of time (running it again would only do so again)."""
    return result.status == "timeout" or (result.status == "import_error" and result.import_timed_out)


def skipped_after_failure(plan: Plan, run: WorkerRun, fn, failure) -> str:
    """Why a case was not run: an earlier case of the same function hung or crashed the worker."""
    first = failure if failure.call is not None and failure.reason in ("timeout", "crashed") else None
    if first is None:
        steps = [s for s, spec in enumerate(plan.steps) if spec.get("function") == fn.name]
        first = next((run.failures[s] for s in steps
                      if s in run.failures and run.failures[s].reason in ("timeout", "crashed")), None)
    if first is None:
        return i18n._("not run: {detail}").format(detail=i18n._(failure.detail))
    what = i18n._("did not finish") if first.reason == "timeout" else i18n._("stopped the process running it")
    return i18n._("not run: on an earlier case {function} {what} ({detail}), so its remaining cases were "
                  "skipped. Fix that first.").format(function=fn.name, what=what, detail=i18n._(first.detail))


def call_results(assignment: Assignment, plan: Plan, run: WorkerRun, probe: Probe, n_cases: int,
                 module_problem: str | None, canonical: Canonical | None = None) -> list[CallResult]:
    """One CallResult per case of the probe, whatever happened to the worker, redacted for the checks
    (redact.py: on hidden cases no text the submission chose survives)."""
    fn = assignment.by_name[probe.function]
    return [r if r.detail == TRUSTED_REPORT else redact(r, canonical, probe.visible, fn.name, fn.schema)
            for r in _call_results(fn, plan, run, probe, n_cases, module_problem, canonical)]


TRUSTED_REPORT = "made by the grader"   # a CallResult whose text the trusted side wrote (a parser's SyntaxError)


def _call_results(fn, plan: Plan, run: WorkerRun, probe: Probe, n_cases: int, module_problem: str | None,
                  canonical: Canonical | None) -> list[CallResult]:
    if module_problem is not None:
        return [CallResult("missing", detail=module_problem) for _ in range(n_cases)]
    step = plan.probe_step[probe.id]
    import_failure = run.failures.get(plan.module_step[fn.module])
    if import_failure is not None:
        detail = import_stopped(fn, import_failure.reason, import_failure.detail)
        return [CallResult("import_error", detail=detail, import_timed_out=import_failure.reason == "timeout")
                for _ in range(n_cases)]
    import_records = run.records.get(plan.module_step[fn.module], [])
    if import_records and "error" in import_records[0]:
        error = import_records[0]["error"]
        trusted = canonical.syntax_errors.get(fn.filename) if canonical is not None else None
        if trusted is not None:      # the parser's report, made here: full text, whatever the worker said
            return [CallResult("import_error", raised={**trusted, "file": fn.filename}, detail=TRUSTED_REPORT)
                    for _ in range(n_cases)]
        return [CallResult("import_error", raised=error if isinstance(error, dict) else {})
                for _ in range(n_cases)]
    records = run.records.get(step, [])
    missing = next((r for r in records if r.get("missing")), None)
    if missing is not None:
        defined = canonical.files[fn.filename].defined if canonical and fn.filename in canonical.files else set()
        names = missing.get("names") if isinstance(missing.get("names"), list) else []
        missing = {**missing, "names": [n for n in names if n in defined]}    # only names the file defines
        if isinstance(missing.get("not_callable"), str) and fn.name in defined:
            missing["not_callable"] = type_phrase(missing["not_callable"])
        else:
            missing.pop("not_callable", None)
        return [CallResult("missing", detail=missing_function(fn, missing)) for _ in range(n_cases)]
    by_call = {r["call"]: r for r in records if isinstance(r.get("call"), int)}
    failure = run.failures.get(step)
    out = []
    for i in range(n_cases):
        rec = by_call.get(i)
        if rec is None:
            if failure is not None and failure.call == i:
                out.append(CallResult(failure.reason, detail=failure.detail))
            elif failure is not None:
                out.append(CallResult("not_run", detail=skipped_after_failure(plan, run, fn, failure)))
            else:
                out.append(CallResult("not_run", detail=i18n._("no answer came back from the worker")))
            continue
        warnings = [w for w in rec.get("warnings", []) if isinstance(w, str)]
        inputs_after = _leaves(rec.get("inputs_after", []))
        if isinstance(rec.get("raised"), dict):
            out.append(CallResult("raised", raised=rec["raised"], warnings=warnings, inputs_after=inputs_after))
        else:
            out.append(CallResult("ok", leaves=_leaves(rec.get("leaves", [])), warnings=warnings,
                                  inputs_after=inputs_after))
    return out
