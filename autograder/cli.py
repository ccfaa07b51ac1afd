"""Command line: `python -m autograder grade SUBMISSION_DIR --results RESULTS_JSON`."""
from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path


def cmd_grade(args: argparse.Namespace) -> int:
    from autograder.grade import failed_report, grade_submission
    from autograder.report import terminal_summary
    from autograder.results import to_gradescope, write_atomically

    try:
        report = grade_submission(Path(args.submission))
    except Exception as exc:  # noqa: BLE001 - the results file must be written whatever happens
        traceback.print_exc()
        report = failed_report(exc)
    try:
        write_atomically(Path(args.results), to_gradescope(report))
    except OSError as exc:
        print(f"error: could not write {args.results}: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(terminal_summary(report, str(args.submission), verbose=args.verbose))
        print(f"results written to {args.results}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder",
                                     description="Autograder for the RNN / BPTT assignment.")
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="grade one submission folder and write a Gradescope results.json")
    g.add_argument("submission", help="folder holding activations.py, rnn.py, jacobian.py, clipping.py")
    g.add_argument("--results", required=True, help="where to write the results JSON")
    g.add_argument("--quiet", action="store_true", help="print nothing on success")
    g.add_argument("--verbose", "-v", action="store_true", help="print every failed test's feedback")
    g.set_defaults(run=cmd_grade)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)
