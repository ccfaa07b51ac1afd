"""Judge every check on its probe's results, and turn verdicts into scores and feedback text."""
from __future__ import annotations

from dataclasses import dataclass, field

from autograder.checks import CallResult, Case, Check
from autograder.contract import BY_NAME
from autograder.judge import Verdict
from autograder.points import POINTS

MAX_FAILURES_SHOWN = 2


@dataclass
class Outcome:
    """The graded result of one check (one Gradescope test)."""

    check: Check
    max_score: float
    score: float
    passed: int
    total: int
    failures: list[tuple[Case, Verdict]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)          # e.g. helper substitution
    diagnoses: list[tuple[str, str]] = field(default_factory=list)   # (code, sentence)
    problem: str = ""       # a file/function-level problem that explains everything

    @property
    def name(self) -> str:
        return self.check.name

    @property
    def ok(self) -> bool:
        return self.passed == self.total


def call_problem(check: Check, result: CallResult) -> Verdict | None:
    """A verdict for a call that produced no answer to judge (None when there is an answer)."""
    fn = BY_NAME[check.function]
    if result.status == "ok":
        return None
    if result.status == "raised":
        if check.expects_exception:
            return None
        return Verdict(False, describe_raise(fn.name, result.raised or {}))
    if result.status == "import_error" and result.raised:
        return Verdict(False, describe_import_error(fn.filename, result.raised))
    if result.status == "timeout":
        return Verdict(False, f"{fn.name} did not finish: it {result.detail}. Look for an infinite loop "
                              "or work that grows much faster than the input.")
    if result.status == "crashed":
        return Verdict(False, f"{fn.name} stopped the process running it: {result.detail}. "
                              "Do not call sys.exit/os._exit or start processes, and keep memory modest.")
    return Verdict(False, result.detail)


def describe_raise(function: str, raised: dict) -> str:
    kind, message = raised.get("type", "an exception"), raised.get("message", "")
    if kind == "NotImplementedError":
        return f"{function} still raises NotImplementedError: it has not been implemented yet."
    where = raised.get("where")
    place = (f" at {where['file']} line {where['line']}, in {where['function']}"
             + (f":\n    {where['code']}" if where.get("code") else "")) if isinstance(where, dict) else ""
    return f"{function} raised {kind}: {message}{place}"


def describe_import_error(filename: str, raised: dict) -> str:
    kind = raised.get("type", "an exception")
    if "SyntaxError" in raised.get("mro", []) or kind in ("SyntaxError", "IndentationError", "TabError"):
        line = raised.get("line")
        code = raised.get("code")
        return (f"{filename} could not be loaded: {kind} on line {line}: {raised.get('message', '')}"
                + (f"\n    {code}" if code else "") + "\nFix the syntax; until then none of its functions can run.")
    if raised.get("missing_module"):
        return (f"{filename} could not be loaded: it imports {raised['missing_module']!r}, which the grader does "
                "not provide. Only the Python standard library and NumPy are available (and your own .py files "
                "beside the stubs).")
    return f"{filename} could not be loaded: " + describe_raise("importing it", raised).removeprefix("importing it ")


def score_check(check: Check, cases: list[Case], results: list[CallResult]) -> Outcome:
    """points * (fraction of passing cases, or of passing groups when cases carry meta['group'])."""
    verdicts = []
    for case, result in zip(cases, results):
        problem = call_problem(check, result)
        verdicts.append(problem if problem is not None else check.judge(case, result))
    groups: dict[str, bool] = {}
    for i, (case, v) in enumerate(zip(cases, verdicts)):
        key = case.meta.get("group", str(i))
        groups[key] = groups.get(key, True) and v.passed
    passed, total = sum(groups.values()), len(groups)
    max_score = float(POINTS[check.id])
    outcome = Outcome(check, max_score, round(max_score * passed / total, 4) if total else 0.0, passed, total)
    outcome.failures = [(c, v) for c, v in zip(cases, verdicts) if not v.passed]
    shared = {r.status for r in results}
    if results and shared <= {"missing", "import_error"} and outcome.failures:
        outcome.problem = outcome.failures[0][1].message
    return outcome


def feedback(outcome: Outcome) -> str:
    """The test's output: what passed, the first failures with expected vs got, diagnoses, notes."""
    lines = []
    if outcome.problem:
        lines.append(outcome.problem)
    elif outcome.ok:
        lines.append(f"Passed all {outcome.total} cases." if outcome.total > 1 else "Passed.")
    else:
        unit = "groups of cases" if any("group" in c.meta for c, _ in outcome.failures) else "cases"
        lines.append(f"Passed {outcome.passed} of {outcome.total} {unit}.")
        seen = set()
        shown = 0
        for case, verdict in outcome.failures:
            if verdict.message in seen:
                continue
            seen.add(verdict.message)
            label = f" ({case.label})" if case.label else ""
            lines.append(f"Failed case{label}:\n{verdict.message}")
            shown += 1
            if shown == MAX_FAILURES_SHOWN:
                break
    for _, sentence in outcome.diagnoses:
        lines.append(f"Likely mistake: {sentence}")
    lines.extend(outcome.notes)
    return "\n\n".join(lines)
