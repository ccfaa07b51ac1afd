"""Gradescope's results.json (their "Autograder specifications"), written atomically."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from autograder.engine.fingerprint import grader_fingerprint
from autograder.engine.scoring import feedback
from autograder.i18n import N_, _, in_language_of
from autograder.outputs import VISIBILITIES
from autograder.outputs.escape import markdown_lines, plain_text
from autograder.pipeline.grade import Report


def by_function(report: Report) -> list[tuple[str, float, float]]:
    rows = []
    for fn in report.assignment.functions:
        own = [o for o in report.outcomes if o.check.function == fn.name]
        rows.append((fn.name, round(sum(o.score for o in own), 4), round(sum(o.max_score for o in own), 4)))
    return rows


HELD_BACK = {
    "after_due_date": N_("The results of the tests will be shown after the due date."),
    "after_published": N_("The results of the tests will be shown when your instructor publishes the grades."),
    "hidden": N_("The results of the tests are not shown to students."),
}


@in_language_of
def summary_markdown(report: Report, greeting: str = "", visibility: str = "visible") -> str:
    """The overall output: greeting, score by function (unless the tests' visibility holds them
    back: then it would reveal them early), problems with the files.

    GREETING is Markdown already (see gradescope.metadata.greeting); every note is plain text,
    escaped here, so a file name or message cannot add a heading, a link or HTML.
    """
    lines = [greeting, ""] if greeting else []
    if visibility == "visible":
        lines.append(_("**Score: {score} / {total}**").format(score=f"{report.score:g}", total=f"{report.max_score:g}"))
        lines += ["", _("| function | score |"), "|---|---|"]
        lines += [f"| `{name}` | {score:g} / {total:g} |" for name, score, total in by_function(report)]
    else:
        lines.append(_("Your submission has been graded. {held_back} Meanwhile, the public self-check "
                     "(`pytest` in the folder of your files and test_selfcheck.py) catches the most common slips."
                       ).format(held_back=_(HELD_BACK[visibility])))
    if report.notes:
        lines += ["", _("**About your files:**"), *[f"- {markdown_lines(n, indent='  ')}" for n in report.notes]]
    return "\n".join(lines)


@in_language_of
def to_gradescope(report: Report, visibility: str = "visible", greeting: str = "",
                  results_visibility: str = "visible") -> dict:
    """results.json. visibility: of every test (its name, score and feedback); results_visibility: of
    the whole result (summary and total score)."""
    for name, value in (("visibility", visibility), ("results_visibility", results_visibility)):
        if value not in VISIBILITIES:
            raise ValueError(f"{name} must be one of {', '.join(VISIBILITIES)}; got {value!r}")
    tests = []
    for o in report.outcomes:
        test = {"name": plain_text(o.name), "score": o.score, "max_score": o.max_score,
                "status": "passed" if o.score >= o.max_score else "failed",
                "output": plain_text(feedback(o)), "output_format": "text", "visibility": visibility}
        test["extra_data"] = {"function": o.check.function, "check": o.check.id}
        if o.diagnoses:
            test["extra_data"]["diagnosis"] = [code for code, _sentence in o.diagnoses]
        tests.append(test)
    return {
        "score": round(sum(t["score"] for t in tests), 4),
        "execution_time": report.execution_time,
        "output": summary_markdown(report, greeting, visibility),
        "output_format": "md",
        "visibility": results_visibility,
        "stdout_visibility": "hidden",
        "extra_data": {"assignment": report.assignment.name, "lang": report.lang,
                       "grader_fingerprint": grader_fingerprint(report.assignment, report.lang)},
        "tests": tests,
    }


def write_atomically(path: Path, data: dict) -> None:
    """Write JSON to a temporary file beside PATH, then rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".results-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2, allow_nan=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
