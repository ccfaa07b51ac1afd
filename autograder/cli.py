"""Command line: `python -m autograder grade SUBMISSION_DIR --results RESULTS_JSON`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_grade(args: argparse.Namespace) -> int:
    from autograder.grade import grade_or_fallback
    from autograder.report import terminal_summary
    from autograder.results import to_gradescope, write_atomically
    from autograder.secret import load_secret

    report = grade_or_fallback(Path(args.submission), args.assignment_obj, secret=load_secret(args.secret_file),
                               print_error=True)
    try:
        write_atomically(Path(args.results), to_gradescope(report))
    except OSError as exc:
        print(f"error: could not write {args.results}: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(terminal_summary(report, str(args.submission), verbose=args.verbose))
        print(f"results written to {args.results}")
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    from autograder.batch import grade_all
    from autograder.report import terminal_summary

    out = Path(args.out)
    graded = grade_all(args.submissions, out, args.assignment_obj)
    for name, report in graded:
        print(terminal_summary(report, name, verbose=args.verbose) + "\n")
    width = max(len(name) for name, _ in graded)
    print("Scores:")
    for name, report in graded:
        print(f"  {name:<{width}}  {report.score:>7g} / {report.max_score:g}")
    print(f"\n{len(graded)} submissions graded; results in {out}/<name>/results.json, grades in {out / 'grades.csv'}")
    return 0


def cmd_gradescope_zip(args: argparse.Namespace) -> int:
    from autograder.gradescope.bundle import build_zip
    from autograder.gradescope.settings import Settings

    names = build_zip(Path(args.output), Settings(args.test_visibility, args.results_visibility), args.secret_file,
                      args.assignment_obj)
    print(f"{args.output}: {len(names)} files; upload it as the autograder (steps: the README's Gradescope section)")
    return 0


def cmd_misconceptions(args: argparse.Namespace) -> int:
    from autograder.diagnosis.registry import catalogue

    seen = set()
    entries = catalogue(args.assignment_obj)
    for entry in entries:
        if (entry.function, entry.code) in seen:
            continue
        seen.add((entry.function, entry.code))
        print(f"{entry.function}: {entry.code}\n    {entry.sentence}\n")
    print(f"{len({c for _, c in seen})} codes, {len(entries)} models and detectors")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from autograder.report_class import write_report

    fmt = args.format or ("md" if args.output and args.output.endswith(".md") else "html")
    output = Path(args.output or f"report.{fmt}")
    try:
        summary = write_report(Path(args.results_dir), output, fmt, args.assignment_obj)
    except (FileNotFoundError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for s in summary.skipped:
        print(f"skipped {s.path}: {s.reason}", file=sys.stderr)
    print(f"{output}: class report of {summary.size} submissions ({len(summary.skipped)} skipped)")
    return 0


def cmd_notebook(args: argparse.Namespace) -> int:
    from autograder.notebook import write_notebook

    path = write_notebook(Path(args.output), args.assignment_obj)
    print(f"{path}: the nbgrader source notebook; put it in your course's source/ folder (README: nbgrader)")
    return 0


SECRET_HELP = ("the course secret that, with the code, seeds the hidden cases (default: "
               "$RNN_AUTOGRADER_SECRET_FILE, else ~/.config/rnn-autograder/course-secret, created on first use)")


ASSIGNMENT_HELP = ("the assignment: a built-in one by name (default: rnn_bptt), or the path of a folder that "
                   "declares one (docs/adding-an-assignment.md)")


def build_parser() -> argparse.ArgumentParser:
    from autograder.gradescope.settings import VISIBILITIES

    parser = argparse.ArgumentParser(prog="python -m autograder",
                                     description="Autograder for the recurrent-networks unit's assignments.")
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="grade one submission folder and write a Gradescope results.json")
    g.add_argument("submission", help="folder holding the assignment's files (for rnn_bptt: activations.py, "
                                      "rnn.py, jacobian.py, clipping.py)")
    g.add_argument("--results", required=True, help="where to write the results JSON")
    g.add_argument("--quiet", action="store_true", help="print nothing on success")
    g.add_argument("--verbose", "-v", action="store_true", help="print every failed test's feedback")
    g.add_argument("--secret-file", type=Path, default=None,
                   help=SECRET_HELP)
    g.set_defaults(run=cmd_grade)
    b = sub.add_parser("batch", help="grade many submissions (folders, or class folders of them)")
    b.add_argument("submissions", nargs="+", help="submission folders, or folders whose sub-folders are submissions")
    b.add_argument("--out", default="results", help="output folder (default: results)")
    b.add_argument("--verbose", "-v", action="store_true", help="print every failed test's feedback")
    b.set_defaults(run=cmd_batch)
    r = sub.add_parser("report", help="write a class report (HTML or Markdown) from the results of `batch`")
    r.add_argument("results_dir", help="the --out folder of `batch`: every results.json under it is read")
    r.add_argument("--output", "-o", default=None,
                   help="where to write the report (default: report.html, or report.md with --format md)")
    r.add_argument("--format", choices=("html", "md"), default=None,
                   help="html (default, unless --output ends in .md; charts drawn by matplotlib if it is "
                        "installed, else inline SVG) or md")
    r.set_defaults(run=cmd_report)
    m = sub.add_parser("misconceptions", help="list the misconceptions the grader recognises, with their feedback")
    m.set_defaults(run=cmd_misconceptions)
    z = sub.add_parser("gradescope-zip", help="build the autograder zip to upload to Gradescope")
    z.add_argument("--output", default="autograder.zip", help="where to write the zip (default: autograder.zip)")
    z.add_argument("--test-visibility", default="visible", choices=VISIBILITIES,
                   help="when students see each test: name, score, feedback (default: visible)")
    z.add_argument("--results-visibility", default="visible", choices=VISIBILITIES,
                   help="when students see the whole result: summary, total score (default: visible)")
    z.add_argument("--secret-file", type=Path, default=None,
                   help=SECRET_HELP + "; the zip carries a copy: keep the zip private")
    z.set_defaults(run=cmd_gradescope_zip)
    n = sub.add_parser("notebook", help="write the nbgrader source notebook of the assignment")
    n.add_argument("--output", required=True, help="folder to write <assignment>.ipynb into")
    n.set_defaults(run=cmd_notebook)
    for command in (g, b, r, m, z, n):
        command.add_argument("--assignment", default=None, metavar="NAME|PATH", help=ASSIGNMENT_HELP)
    return parser


def main(argv: list[str] | None = None) -> int:
    from autograder.assignment import AssignmentError, load

    args = build_parser().parse_args(argv)
    try:
        args.assignment_obj = load(args.assignment)
    except (AssignmentError, ImportError, SyntaxError) as exc:    # the instructor's declaration: say why
        print(f"error: {type(exc).__name__}: {exc}" if not isinstance(exc, AssignmentError) else f"error: {exc}",
              file=sys.stderr)
        return 2
    try:
        return args.run(args)
    except BrokenPipeError:  # output piped into `head` and the like
        return 0
