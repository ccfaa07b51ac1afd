"""Score checks: apply each check's judge to the cases of its probes; turn the verdicts into points
and feedback text."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from autograder.assignment import Assignment, load
from autograder.engine import worker_text
from autograder.engine.checks import CallResult, Case, Check
from autograder.engine.judge import Verdict
from autograder.i18n import N_, _, ngettext

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
    import_failed: bool = False   # the problem is that the function's file could not be imported

    @property
    def name(self) -> str:
        return self.check.name

    @property
    def ok(self) -> bool:
        return self.passed == self.total


def call_problem(check: Check, result: CallResult, assignment: Assignment | None = None) -> Verdict | None:
    """A verdict for a call that produced no answer to judge (None when there is an answer)."""
    assignment = load(assignment)
    fn = assignment.by_name[check.function]
    if result.status == "ok":
        return None
    if result.status == "raised":
        refused = helper_refused(assignment, fn, result.raised or {})
        if refused:
            return Verdict(False, refused)
        if check.expects_exception:
            return None
        return Verdict(False, describe_raise(fn.name, result.raised or {}))
    if result.status == "import_error" and result.raised:
        return Verdict(False, describe_import_error(fn.filename, result.raised))
    if result.status == "timeout":
        return Verdict(False, _("{function} did not finish: it {detail}, and was stopped. Look for an "
                              "infinite loop (a while loop whose condition never changes, a recursion without "
                              "a base case) or work that grows much faster than the input.").format(
                                  function=fn.name, detail=result.detail))
    if result.status == "crashed":
        hint = (_("Do not call os._exit() or start processes, and keep memory modest")
                + (_(" (a crash like this also comes from very deep recursion after sys.setrecursionlimit)")
                   if "SIGSEGV" in result.detail else "") + ".")
        return Verdict(False, _("{function} stopped the process running it: {detail}. {hint}").format(
            function=fn.name, detail=result.detail, hint=hint))
    return Verdict(False, result.detail)


def helper_refused(assignment: Assignment, fn, raised: dict) -> str:
    """The feedback for a call that the substituted helper refused (sandbox/worker.answer_table), or ""."""
    mro = raised.get("mro") if isinstance(raised.get("mro"), list) else []
    if fn.helper is None or fn.helper_calls is None:
        return ""
    if "SubstitutedHelperTooManyCalls" in mro:
        what = ngettext("called it more than {n} time in one case", "called it more than {n} times in one case",
                        fn.helper_calls).format(n=fn.helper_calls)
    elif "SubstitutedHelperOtherInputs" in mro:
        what = _("called it on inputs other than the case's own")
    else:
        return ""
    args = ", ".join(assignment.by_name[fn.helper].arg_names)
    return ngettext(
        "{function} was graded with a correct {helper} in place of yours, and {what}: so this case has no answer. "
        "The correct {helper} answers {n} call per case, on the case's own inputs ({helper}({args})), as the "
        "contract says: it is there so that a mistake in {helper} costs points once, not to be differentiated "
        "numerically. Compute the gradients by backpropagation from the states you are given.",
        "{function} was graded with a correct {helper} in place of yours, and {what}: so this case has no answer. "
        "The correct {helper} answers {n} calls per case, on the case's own inputs ({helper}({args})), as the "
        "contract says: it is there so that a mistake in {helper} costs points once, not to be differentiated "
        "numerically. Compute the gradients by backpropagation from the states you are given.",
        fn.helper_calls).format(function=fn.name, helper=fn.helper, what=what, n=fn.helper_calls, args=args)


def _text(value, limit: int = 400) -> str:
    """A bounded string of a field the worker sent (plain data, but never trusted to be well formed)."""
    s = value if isinstance(value, str) else "" if value is None else str(value)
    return s if len(s) <= limit else s[: limit - 3] + "..."


# What to do about an exception, by type (the student's code raised it, in a call or at import).
RAISE_HINTS = {
    "SystemExit": N_("Do not call sys.exit(), exit() or quit() in your files: return the result instead "
                     "(or raise an exception for invalid input)."),
    "KeyboardInterrupt": N_("KeyboardInterrupt is meant for Ctrl-C: do not raise it in your functions."),
    "RecursionError": N_("A function calls itself (directly or through another) without end: check the base "
                         "case, or write a loop instead."),
    "EOFError": N_("The grader types nothing at the keyboard: remove calls to input()."),
    "MemoryError": N_("The call needed more memory than the grader allows: avoid building huge arrays."),
    "ModuleNotFoundError": N_("Only the Python standard library and NumPy are available to your code."),
}


def _file_line(where: dict) -> str:
    """'rnn.py line 3', or 'hw3.ipynb, cell 4, line 3' for code read from a notebook (redact.translate_place)."""
    file, line = _text(where.get("file"), 120), _text(where.get("line"), 12)
    if isinstance(where.get("cell"), int):
        return _("{notebook}, cell {cell}, line {line}").format(notebook=file, cell=where["cell"], line=line)
    return _("{file} line {line}").format(file=file, line=line)


def _line_of(raised: dict) -> str:
    """' (rnn.py line 3: import torch)' from the innermost frame of the submission, or ''."""
    where = raised.get("where")
    if not isinstance(where, dict):
        return ""
    code = _text(where.get("code"), 160)
    return f" ({_file_line(where)}{': ' + code if code else ''})"


def _place(raised: dict) -> str:
    """' at rnn.py line 12, in f:\n    code' (no ', in' for code outside any function)."""
    where = raised.get("where")
    if not isinstance(where, dict):
        return ""
    code = _text(where.get("code"), 160)
    function = _text(where.get("function"), 80)
    at = (_(" at {place}, in {function}").format(place=_file_line(where), function=function) if function
          else _(" at {place}").format(place=_file_line(where)))
    return at + (f":\n    {code}" if code else "")


RELATIVE_IMPORT = re.compile(r"from[ \t]+(\.+)[ \t]*(\w[\w.]*)?[ \t]+import\b")


def relative_import_hint(raised: dict) -> str:
    """What to do about `from .rnn import x` (files are imported as top-level modules), or ""."""
    where = raised.get("where")
    code = _text(where.get("code"), 160) if isinstance(where, dict) else ""
    found = RELATIVE_IMPORT.match(code)
    if found is None and "relative import" not in _text(raised.get("message")):
        return ""
    if found is None:
        return _("Your files are imported as top-level modules, not as a package: write imports between them "
                 "without a leading dot (from helpers import f, not from .helpers import f).")
    rest = code[found.end():].split("#")[0].strip()
    better = f"from {found.group(2)} import {rest}" if found.group(2) else f"import {rest}"
    return _("Your files are imported as top-level modules, not as a package: write the import without the "
             "leading dot: `{better}`.").format(better=better.replace("`", ""))


def _what_raised(raised: dict) -> str:
    """'ValueError: bad shape at rnn.py line 12, in <function>:\n    code' (no empty ': ')."""
    kind, message = _text(raised.get("type") or _("an exception"), 120), _text(raised.get("message"))
    kind = worker_text.phrase(kind)
    if raised.get("message_hidden"):
        return f"{kind}{_place(raised)}\n" + _("(On a hidden case the exception's message is not shown.)")
    if message == "<unprintable>":
        return _("{kind} (its message could not be turned into text){place}").format(kind=kind, place=_place(raised))
    return f"{kind}{': ' + message if message else ''}{_place(raised)}"


def describe_raise(function: str, raised: dict) -> str:
    kind = _text(raised.get("type"), 120)
    if kind == "NotImplementedError":
        return (_("{function} still raises NotImplementedError{place}").format(function=function, place=_place(raised))
                + "\n" + _("It has not been implemented yet: replace that raise with your implementation."))
    hint = relative_import_hint(raised) or _(RAISE_HINTS.get(kind, ""))
    if kind == "ModuleNotFoundError" and raised.get("missing_module"):
        hint = _("The module {module} is not available: only the Python "
                 "standard library and NumPy are, plus your own .py files uploaded beside the stubs.").format(
                     module=repr(_text(raised["missing_module"], 120)))
    return _("{function} raised {what}").format(function=function, what=_what_raised(raised)) + (
        f"\n{hint}" if hint else "")


def describe_import_error(filename: str, raised: dict) -> str:
    kind = _text(raised.get("type") or _("an exception"), 120)
    mro = raised.get("mro") if isinstance(raised.get("mro"), list) else []
    if "SyntaxError" in mro or kind in ("SyntaxError", "IndentationError", "TabError"):
        line, code = raised.get("line"), _text(raised.get("code"), 160)
        other = _text(raised.get("file"), 120)
        where = _(" in {other} (which {filename} imports)").format(other=other, filename=filename) if (
            other and other != filename) else ""
        at = _(" on line {line}").format(line=line) if isinstance(line, int) else ""
        fix = (_("Indent with spaces only, 4 per level (most editors can convert tabs to spaces).")
               if kind == "TabError" or "tab" in _text(raised.get("message")).lower() else _("Fix the syntax."))
        fix += " " + _("Until then none of its functions can run.")
        return (_("{filename} could not be loaded: {kind}{where}{at}: {message}").format(
            filename=filename, kind=kind, where=where, at=at, message=_text(raised.get("message")))
                + (f"\n    {code}" if code else "") + f"\n{fix}")
    if raised.get("missing_module"):
        name = _text(raised["missing_module"], 120)
        return (_("{filename} could not be loaded: it imports {module}, which the grader does not provide"
                  "{where}.").format(filename=filename, module=repr(name), where=_line_of(raised))
                + "\n" + _("Only the Python standard library and NumPy are available, plus your own .py files uploaded "
                "beside {filename}. If {name} is your own file, upload {name}.py too; if it is a package "
                "(torch, tensorflow, scipy, pandas, matplotlib...), rewrite that part with NumPy or remove it."
                            ).format(filename=filename, name=name))
    relative = relative_import_hint(raised)
    if relative:
        return (_("{filename} could not be loaded: its top-level code raised {what}").format(
            filename=filename, what=_what_raised(raised)) + "\n" + relative)
    hint = _("Remove the call to sys.exit(), exit() or quit().") if kind == "SystemExit" else _(
        RAISE_HINTS.get(kind, ""))
    return (_("{filename} could not be loaded: its top-level code raised {what}").format(
        filename=filename, what=_what_raised(raised)) + "\n"
            + _("Code outside functions runs when the grader imports the file: keep only definitions there, and "
            "put tests and experiments under `if __name__ == \"__main__\":`.") + (f" {hint}" if hint else ""))


def verdicts_of(check: Check, cases: list[Case], results: list[CallResult],
                assignment: Assignment | None = None) -> list[Verdict]:
    """One verdict per case: the call's problem, or the check's judgement of its answer."""
    assignment = load(assignment)
    verdicts = []
    for case, result in zip(cases, results):
        problem = call_problem(check, result, assignment)
        verdicts.append(problem if problem is not None else check.judge(case, result))
    return verdicts


def score_check(check: Check, cases: list[Case], results: list[CallResult],
                assignment: Assignment | None = None, verdicts: list[Verdict] | None = None) -> Outcome:
    """points * (fraction of passing cases, or of passing groups when cases carry meta['group']).
    verdicts: verdicts_of these very cases and results, made before (pipeline/ahead.py)."""
    assignment = load(assignment)
    if verdicts is None:
        verdicts = verdicts_of(check, cases, results, assignment)
    groups: dict[str, bool] = {}
    for i, (case, v) in enumerate(zip(cases, verdicts)):
        key = case.meta.get("group", str(i))
        groups[key] = groups.get(key, True) and v.passed
    passed, total = sum(groups.values()), len(groups)
    max_score = 0.0 if check.example else float(assignment.points[check.id])
    outcome = Outcome(check, max_score, round(max_score * credit(check, passed, total), 4), passed, total)
    outcome.failures = [(c, v) for c, v in zip(cases, verdicts) if not v.passed]
    shared = {r.status for r in results}
    if results and shared <= {"missing", "import_error"} and outcome.failures:
        outcome.problem = outcome.failures[0][1].message
        outcome.import_failed = "import_error" in shared
    return outcome


def credit(check: Check, passed: int, total: int) -> float:
    """The fraction of the points earned: the pass rate, above what guessing gives (check.chance)."""
    if not total:
        return 0.0
    rate = passed / total
    return max(0.0, (rate - check.chance) / (1.0 - check.chance)) if check.chance else rate


def feedback(outcome: Outcome) -> str:
    """The test's output: what passed, the first failures with expected vs got, diagnoses, notes."""
    lines = []
    if outcome.problem:
        lines.append(outcome.problem)
    elif outcome.ok:
        lines.append(_("Passed all {total} cases.").format(total=outcome.total) if outcome.total > 1 else _("Passed."))
    else:
        groups = any("group" in c.meta for c, _verdict in outcome.failures)
        lines.append((_("Passed {passed} of {total} groups of cases.") if groups else
                      _("Passed {passed} of {total} cases.")).format(passed=outcome.passed, total=outcome.total))
        seen = set()
        shown = 0
        for case, verdict in outcome.failures:
            if verdict.message in seen:
                continue
            seen.add(verdict.message)
            label = f" ({case.label})" if case.label else ""
            lines.append(_("Failed case{label}:").format(label=label) + f"\n{verdict.message}")
            shown += 1
            if shown == MAX_FAILURES_SHOWN:
                break
    for _code, sentence in outcome.diagnoses:
        lines.append(_("Likely mistake: {sentence}").format(sentence=_(sentence)))
    lines.extend(outcome.notes)
    return "\n\n".join(lines)
