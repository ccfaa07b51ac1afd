"""The command line, `python -m autograder COMMAND` (or `rnn-autograder COMMAND`): one cmd_* per command.

Where each command's code lives (docs/architecture.md):
  grade           platforms/safe_grade.py -> pipeline/grade.py (-> intake, sandbox, engine, diagnosis)
  batch           platforms/batch.py (+ batch_jobs.py, batch_dask.py), intake/batch_inputs.py
  similarity      outputs/similarity/run.py
  report          outputs/class_report.py
  misconceptions  diagnosis/registry.py
  gradescope-zip  platforms/gradescope/bundle.py (the zip runs platforms/gradescope/run.py)
  notebook        outputs/notebook.py (nbgrader grades with platforms/nbgrader_autograde.py)
"""
from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path
from typing import NoReturn

from autograder.i18n import _, in_language_of, ngettext


@in_language_of     # args.lang
def cmd_grade(args: argparse.Namespace) -> int:
    from autograder.engine.secret import load_secret
    from autograder.outputs.summary import terminal_summary
    from autograder.platforms.safe_grade import grade_and_save

    graded, problem = grade_and_save(Path(args.submission), Path(args.results), secret=load_secret(args.secret_file),
                                     assignment=args.assignment_obj, lang=args.lang, prestart=args.prestarted)
    if graded.unavailable:
        print(f"error: {graded.unavailable}", file=sys.stderr)
    elif graded.internal_error:
        print(graded.internal_error, file=sys.stderr, end="")
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    if graded.unavailable:      # nothing was graded: the student's file says so, the instructor must act
        print(f"results written to {args.results} (the student is told the grader was unavailable)",
              file=sys.stderr)
        return 3
    if not args.quiet:
        print(terminal_summary(graded.report, str(args.submission), verbose=args.verbose))
        print(_("results written to {path}").format(path=args.results))
    return 0


@in_language_of
def cmd_batch(args: argparse.Namespace) -> int:
    from autograder.engine.secret import load_secret
    from autograder.platforms.batch import run_batch
    from autograder.platforms.batch_jobs import BatchError

    out = Path(args.output)
    if not (args.submissions or args.export or args.nbgrader):
        print("error: nothing to grade: give submissions or class folders, --export PATH or --nbgrader PATH",
              file=sys.stderr)
        return 2
    try:
        result = run_batch(args.submissions, out, jobs=args.jobs, force=args.force, assignment=args.assignment,
                           dask=args.dask, secret=load_secret(args.secret_file), exports=args.export or (),
                           courses=args.nbgrader or (),
                           similarity=False if args.no_similarity else similarity_options(args), lang=args.lang)
    except BatchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\n" + _("interrupted before grading started; nothing was written"), file=sys.stderr)
        return 130
    if result.interrupted:
        print("\n" + _("interrupted: {n} submissions graded in this run; run the same command again to "
                       "grade the rest (finished ones are kept)").format(n=result.graded))
        return 130
    rows = [r for r in result.rows if r.data is not None]
    if args.verbose:
        for r in rows:
            failed = [t for t in r.data["tests"] if t["score"] < t["max_score"]]
            print(f"{r.submission.id}: " + (_("every test passed") if not failed else ngettext(
                "{n} test failed", "{n} tests failed", len(failed)).format(n=len(failed))))
            for t in failed:
                print(f"  - {t['name']} ({t['score']:g}/{t['max_score']:g})")
                print("\n".join("      " + line for line in t["output"].splitlines()))
    if rows:
        width = max(len(r.submission.id) for r in rows)
        print(_("Scores:"))
        for r in rows:
            total = sum(t["max_score"] for t in r.data["tests"])
            print(f"  {r.submission.id:<{width}}  {r.data['score']:>7g} / {total:g}" + (f"   ({r.problem})" if r.problem
                                                                                       else ""))
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for problem in result.problems:
        print(f"note: {problem}", file=sys.stderr)
    print("\n" + _("Inputs:"))
    for given in result.inputs:
        print(f"  {given.summary()}")
    print("\n" + _("{n} submissions: {graded} graded now, {skipped} already up to date, "
                   "{failures} failures. Results in {results}; grades in {grades}; class report in {report}").format(
        n=len(result.rows), graded=result.graded, skipped=result.skipped, failures=result.failures,
        results=f"{out}/<id>/results.json", grades=out / "grades.csv", report=out / "report.html"))
    return 1 if result.failures else 0


def similarity_options(args: argparse.Namespace):
    from autograder.outputs.similarity.run import Options

    return Options(threshold=args.threshold, common=args.common, archives=[Path(a) for a in args.archive or ()])


@in_language_of     # args.lang
def cmd_similarity(args: argparse.Namespace) -> int:
    import tempfile

    from autograder.intake.batch_inputs import collect
    from autograder.outputs.escape import terminal_text
    from autograder.outputs.similarity.run import run_similarity, summary_line

    out = Path(args.output)
    with tempfile.TemporaryDirectory(prefix="rnn-similarity-inputs-") as scratch:
        found = collect([Path(p) for p in args.inputs], Path(scratch), args.assignment_obj.name)
        outcome = run_similarity(found.submissions, out, args.assignment_obj, similarity_options(args))
    for problem in found.problems + outcome.problems:
        print(terminal_text(f"note: {problem}"), file=sys.stderr)
    print(terminal_text(summary_line(outcome, out)))
    return 0


def add_similarity_options(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    from autograder.outputs.similarity import COMMON, THRESHOLD

    parser.add_argument("--archive", action="append", default=None, metavar="PATH",
                        help="earlier terms' submissions (a class folder, an export...) to compare with too, "
                             "never paired among themselves; repeat the option for each (one PATH each, so "
                             "that it never takes the inputs that follow it)")
    parser.add_argument(f"--{prefix}threshold", dest="threshold", type=float, default=THRESHOLD,
                        help=f"list pairs whose score is at least this, 0 to 1 (default: {THRESHOLD}; "
                             "README: Similarity check)")
    parser.add_argument(f"--{prefix}common", dest="common", type=int, default=COMMON,
                        help=f"a passage in more submissions than this is common code and never counts "
                             f"(default: {COMMON})")


def cmd_gradescope_zip(args: argparse.Namespace) -> int:
    from autograder.platforms.gradescope.bundle import build_zip
    from autograder.platforms.gradescope.settings import Settings

    names = build_zip(Path(args.output), Settings(args.test_visibility, args.results_visibility, lang=args.lang),
                      args.secret_file,
                      args.assignment_obj)
    print(f"{args.output}: {len(names)} files; upload it as the autograder (steps: the README's Gradescope section)")
    return 0


def cmd_misconceptions(args: argparse.Namespace) -> int:
    from autograder.diagnosis.registry import catalogue
    from autograder.i18n import _, language

    seen = set()
    entries = catalogue(args.assignment_obj)
    for entry in entries:
        if (entry.function, entry.code) in seen:
            continue
        seen.add((entry.function, entry.code))
        with language(args.lang):
            print(f"{entry.function}: {entry.code}\n    {_(entry.sentence)}\n")
    print(f"{len({c for _, c in seen})} codes, {len(entries)} models and detectors")
    return 0


@in_language_of
def cmd_report(args: argparse.Namespace) -> int:
    from autograder.outputs.class_report import write_report
    from autograder.outputs.escape import terminal_text

    fmt = args.format or ("md" if args.output and args.output.endswith(".md") else "html")
    output = Path(args.output or f"report.{fmt}")
    try:
        summary = write_report(Path(args.results_dir), output, fmt, args.assignment_obj, lang=args.lang_flag,
                               fallback=args.lang)
    except (FileNotFoundError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for s in summary.skipped:
        print(terminal_text(f"skipped {s.path}: {s.reason}"), file=sys.stderr)
    print(_("{output}: class report of {n} submissions ({skipped} skipped)").format(
        output=output, n=summary.size, skipped=len(summary.skipped)))
    return 0


def cmd_notebook(args: argparse.Namespace) -> int:
    from autograder.outputs.notebook import write_course, write_notebook

    if args.course_dir:
        for path in write_course(Path(args.course_dir), lang=args.lang):
            print(path)
        print(f"an nbgrader course in {args.course_dir}: cd there and run `nbgrader generate_assignment rnn_bptt` "
              "(README: nbgrader)")
        return 0
    path = write_notebook(Path(args.output), args.assignment_obj, lang=args.lang)
    print(f"{path}: the nbgrader source notebook; put it in your course's source/ folder, and autograde it only "
          "with the nbgrader_config.py that `--course-dir` writes, which grades in the sandbox (README: Notebooks)")
    return 0


SECRET_HELP = ("the course secret that, with the code, seeds the hidden cases (default: "
               "$RNN_AUTOGRADER_SECRET_FILE, else ~/.config/rnn-autograder/course-secret, created on first use)")


def build_parser() -> argparse.ArgumentParser:
    from autograder.outputs import VISIBILITIES

    parser = argparse.ArgumentParser(prog="python -m autograder",
                                     description="Autograder for the recurrent-networks unit's assignments.")
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="grade one submission and write a Gradescope results.json")
    g.add_argument("submission", help="the submission: a folder or a .zip holding the student files of the "
                                      "assignment (--assignment) as .py files or in a Jupyter notebook; its "
                                      "contract names them (built-in ones: docs/contracts/<assignment>.md)")
    g.add_argument("--results", required=True, help="where to write the results JSON")
    g.add_argument("--quiet", action="store_true", help="print nothing on success")
    g.add_argument("--verbose", "-v", action="store_true", help="print every failed test's feedback")
    g.add_argument("--secret-file", type=Path, default=None,
                   help=SECRET_HELP)
    g.set_defaults(run=cmd_grade, prestart=True)
    b = sub.add_parser("batch", help="grade a whole class in parallel: folders, zips, a Gradescope export, "
                                     "an nbgrader course")
    b.add_argument("submissions", nargs="*", metavar="INPUT",
                   help="submission folders or zips, and class folders of them (every sub-folder or .zip a "
                        "submission); a submission_metadata.yml or submitted/ folder in them is ignored")
    b.add_argument("--export", action="append", type=Path, metavar="PATH",
                   help="a Gradescope \"Export Submissions\" download (the zip, or the folder it unzips to): "
                        "its submission_metadata.yml names the students; may be repeated")
    b.add_argument("--nbgrader", action="append", type=Path, metavar="COURSE",
                   help="an nbgrader course folder (or its submitted/ folder): submitted/<student>/<assignment>/ "
                        "per student; may be repeated")
    b.add_argument("--output", "--out", "-o", dest="output", default="results",
                   help="output folder (default: results): <id>/results.json, grades.csv, report.html")
    b.add_argument("--jobs", "-j", type=int, default=None, help="grader processes (default: the number of cores)")
    b.add_argument("--force", action="store_true", help="grade again submissions already graded by this grader")
    b.add_argument("--secret-file", type=Path, default=None, help=SECRET_HELP)
    b.add_argument("--dask", metavar="ADDRESS", default=None,
                   help="grade on a Dask cluster, e.g. tls://scheduler:8786 (README: Batch grading)")
    b.add_argument("--verbose", "-v", action="store_true", help="print every failed test's feedback")
    b.add_argument("--no-similarity", action="store_true",
                   help="skip the similarity check (similarity.csv and the report's section)")
    add_similarity_options(b, prefix="similarity-")
    b.set_defaults(run=cmd_batch)
    s = sub.add_parser("similarity", help="the similarity check alone: the pairs of submissions to look at")
    s.add_argument("inputs", nargs="+", help="submissions as `batch` takes them: folders, zips, notebooks' "
                                             "folders, class folders, a Gradescope export, an nbgrader course")
    s.add_argument("--output", "--out", "-o", dest="output", default="results",
                   help="output folder (default: results; the --out folder of `batch` reuses its fingerprints): "
                        "similarity.csv, similarity.html, similarity/")
    add_similarity_options(s)
    s.set_defaults(run=cmd_similarity)
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
    n = sub.add_parser("notebook", help="write the nbgrader source notebook, or a whole nbgrader course folder")
    where = n.add_mutually_exclusive_group(required=True)
    where.add_argument("--output", help="folder to write the assignment's notebook into (<assignment>.ipynb)")
    where.add_argument("--course-dir", help="lay out an nbgrader course here: nbgrader_config.py and "
                                            "source/<assignment>/<assignment>.ipynb for every assignment")
    n.set_defaults(run=cmd_notebook)
    for command in (g, b, r, m, z, n, s):
        command.add_argument("--assignment", default="rnn_bptt", metavar="NAME|PATH", help=ASSIGNMENT_HELP)
        command.add_argument("--lang", choices=LANGUAGES, default=None, help=LANG_HELP)
    return parser


LANGUAGES = ("en", "vi")      # autograder.i18n.LANGUAGES (not imported: the parser stays light)
LANG_HELP = ("the language of what students and instructors read: en or vi (default: $RNN_AUTOGRADER_LANG, "
             "else `lang:` in the course configuration file ./rnn-autograder.yaml or "
             "~/.config/rnn-autograder/config.yaml, else en; report: else the language of the results)")

ASSIGNMENT_HELP = ("the assignment: a built-in one by name (default: rnn_bptt), or the path of a folder that "
                   "declares one (docs/adding-an-assignment.md); batch: also the folder name in nbgrader's "
                   "submitted/<student>/<assignment>/")


def main(argv: list[str] | None = None) -> int:
    from autograder.assignment import AssignmentError, load
    from autograder.i18n import LanguageError, choose
    from autograder.platforms.process import imports_done

    args = build_parser().parse_args(argv)
    args.prestarted = _prestart() if getattr(args, "prestart", False) else None
    try:
        try:
            args.lang_flag = args.lang
            args.lang = choose(args.lang)
            args.assignment_obj = load(args.assignment)
            imports_done()              # run() turned the garbage collector off for them
        except (AssignmentError, ImportError, SyntaxError, LanguageError) as exc:    # the instructor's declaration
            print(f"error: {exc}" if isinstance(exc, AssignmentError | LanguageError)
                  else f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 2
        try:
            return args.run(args)
        except BrokenPipeError:  # output piped into `head` and the like
            return 0
    finally:
        if args.prestarted is not None:
            args.prestarted.abort()


def _prestart():
    """`grade`: the sandbox and its held worker start now, while the grader imports NumPy, the
    assignment and its checks (sandbox/early.py); the grade runs its plan there."""
    from autograder.sandbox.early import prestart
    from autograder.sandbox.limits import Limits

    return prestart(Limits())


def run(argv: list[str] | None = None) -> NoReturn:
    """The command line's entry point (`python -m autograder`, `rnn-autograder`): main(), then the
    process ends without the interpreter's teardown; the garbage collector is off while the
    grader imports its modules (main turns it on again once the assignment is loaded): see
    platforms/process.py."""
    from autograder.platforms.process import leave

    gc.disable()
    leave(main(argv))
