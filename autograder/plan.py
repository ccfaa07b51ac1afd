"""Between checks and worker: turn probes' cases into a worker plan, and its records into results.

Plan: one import step per module found, then one step per probe (grouped by function, in the
order of contract.FUNCTIONS). Arrays travel as named entries of one .npz file.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from autograder.checks import CallResult, Case, Probe
from autograder.contract import BY_NAME, FUNCTIONS
from autograder.sandbox.runner import WorkerRun


@dataclass
class Plan:
    steps: list[dict]
    arrays: dict[str, np.ndarray]
    probe_step: dict[str, int]          # probe id -> step index
    module_step: dict[str, int]         # module -> import step index


def _encode(value, arrays: dict[str, np.ndarray], prefix: str):
    if isinstance(value, np.ndarray):
        name = f"a{len(arrays)}"
        arrays[name] = value
        return {"array": name}
    if isinstance(value, dict):
        return {"dict": {k: _encode(v, arrays, prefix) for k, v in value.items()}}
    if isinstance(value, (bool, int, float, str)) or value is None:
        return {"value": value}
    raise TypeError(f"cannot send {type(value)} to the worker")


def build_plan(probes: list[Probe], cases: dict[str, list[Case]], modules: list[str]) -> Plan:
    steps: list[dict] = []
    arrays: dict[str, np.ndarray] = {}
    module_step = {}
    for module in modules:
        module_step[module] = len(steps)
        steps.append({"kind": "import", "module": module})
    order = {f.name: i for i, f in enumerate(FUNCTIONS)}
    probe_step = {}
    for probe in sorted(probes, key=lambda p: order[p.function]):
        fn = BY_NAME[probe.function]
        if fn.module not in module_step:
            continue
        probe_step[probe.id] = len(steps)
        calls = [{"args": [_encode(a, arrays, probe.id) for a in c.args],
                  "kwargs": {k: _encode(v, arrays, probe.id) for k, v in c.kwargs.items()}}
                 for c in cases[probe.id]]
        steps.append({"kind": "probe", "module": fn.module, "function": fn.name, "schema": fn.schema,
                      "calls": calls, "report_inputs": probe.report_inputs})
    return Plan(steps, arrays, probe_step, module_step)


def _leaves(items: list) -> dict[str, dict]:
    out = {}
    for leaf in items if isinstance(items, list) else []:
        if isinstance(leaf, dict) and isinstance(leaf.get("path"), str):
            out[leaf["path"]] = leaf
    return out


def call_results(plan: Plan, run: WorkerRun, probe: Probe, n_cases: int,
                 module_problem: str | None) -> list[CallResult]:
    """One CallResult per case of the probe, whatever happened to the worker."""
    fn = BY_NAME[probe.function]
    if module_problem is not None:
        return [CallResult("missing", detail=module_problem) for _ in range(n_cases)]
    step = plan.probe_step[probe.id]
    import_failure = run.failures.get(plan.module_step[fn.module])
    if import_failure is not None:
        detail = (f"importing {fn.filename} {'took too long' if import_failure.reason == 'timeout' else 'failed'}: "
                  f"{import_failure.detail}")
        return [CallResult("import_error", detail=detail) for _ in range(n_cases)]
    import_records = run.records.get(plan.module_step[fn.module], [])
    if import_records and "error" in import_records[0]:
        return [CallResult("import_error", raised=import_records[0]["error"]) for _ in range(n_cases)]
    records = run.records.get(step, [])
    if any(r.get("missing") for r in records):
        return [CallResult("missing", detail=f"{fn.filename} has no function {fn.signature}.")
                for _ in range(n_cases)]
    by_call = {r["call"]: r for r in records if isinstance(r.get("call"), int)}
    failure = run.failures.get(step)
    out = []
    for i in range(n_cases):
        rec = by_call.get(i)
        if rec is None:
            if failure is not None and failure.call == i:
                out.append(CallResult(failure.reason, detail=failure.detail))
            elif failure is not None:
                out.append(CallResult("not_run", detail=f"not run: an earlier case {failure.reason} "
                                                        f"({failure.detail})"))
            else:
                out.append(CallResult("not_run", detail="no answer came back from the worker"))
            continue
        warnings = [w for w in rec.get("warnings", []) if isinstance(w, str)]
        inputs_after = _leaves(rec.get("inputs_after", []))
        if isinstance(rec.get("raised"), dict):
            out.append(CallResult("raised", raised=rec["raised"], warnings=warnings, inputs_after=inputs_after))
        else:
            out.append(CallResult("ok", leaves=_leaves(rec.get("leaves", [])), warnings=warnings,
                                  inputs_after=inputs_after))
    return out
