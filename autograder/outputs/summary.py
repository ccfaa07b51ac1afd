"""A readable summary of one graded submission for the terminal."""
from __future__ import annotations

from autograder.engine.scoring import feedback
from autograder.i18n import _, in_language_of, ngettext
from autograder.outputs.escape import terminal_text
from autograder.outputs.results import by_function
from autograder.pipeline.grade import Report


@in_language_of
def terminal_summary(report: Report, title: str, verbose: bool = False) -> str:
    """Score by function, notes and failed tests (with feedback when VERBOSE), safe to print:
    no control character or escape sequence from a file name or message reaches the terminal."""
    lines = [f"{title}: {report.score:g} / {report.max_score:g}   ({report.execution_time:.2f} s)"]
    for name, score, total in by_function(report):
        mark = "ok " if score >= total else "   "
        lines.append(f"  {mark}{name:<26} {score:>6g} / {total:g}")
    for note in report.notes:
        lines.append(f"  ! {note}")
    failed = [o for o in report.outcomes if o.score < o.max_score]
    if len(failed) > 12 and not verbose:
        lines.append("  " + ngettext("{n} test failed (run `grade` with -v, or read the results file, for details)",
                                     "{n} tests failed (run `grade` with -v, or read the results file, for details)",
                                     len(failed)).format(n=len(failed)))
    elif failed:
        lines.append("  " + _("failed tests:"))
        for o in failed:
            codes = f"  [{', '.join(c for c, _ in o.diagnoses)}]" if o.diagnoses else ""
            lines.append(f"    - {o.name} ({o.score:g}/{o.max_score:g}){codes}")
            if verbose:
                lines.extend("        " + line for line in feedback(o).splitlines())
    return terminal_text("\n".join(lines))
