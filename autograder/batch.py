"""`autograder batch`: grade a whole class in parallel, resumably; results.json each, grades.csv, report.html.

    collect (batch_inputs) -> skip what is up to date -> grade in a pool -> write -> grades.csv, report

- The pool: --jobs local grader processes (spawned once; each has imported NumPy and the grader
  and loaded the reference, and holds no student data between submissions), or the workers of a
  Dask cluster (--dask, batch_dask.py). A grader process runs grade_job: safe_grade.grade_safely,
  i.e. exactly what `grade` runs, which starts a fresh confined sandbox worker for the submission.
  Student code never runs in a grader process. Results come back to this process, which writes
  every file.
- Resumable: a submission whose OUT/<id>/results.json carries this grader's fingerprint and the
  submission's content hash (safe_grade.STAMP) is not graded again, unless --force. Every
  results.json is written atomically, so Ctrl-C leaves only complete ones; the first Ctrl-C lets
  the submissions in progress finish, the second stops at once.
- Nothing stops the class: a submission the grader breaks on gets a valid zero-score results.json
  saying so (and is graded again next run); an unwritable folder or a dead grader process is
  reported and counted as a failure.
"""
from __future__ import annotations

import csv
import io
import json
import os
import resource
import signal
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from autograder.batch_inputs import Input, Person, Submission, collect
from autograder.fingerprint import fingerprint, submission_hash
from autograder.progress import Progress
from autograder.safe_grade import grade_safely, results_document, save, stamp_of
from autograder.secret import CourseSecret, load_secret
from autograder.submission import MAX_ENTRIES, survey

PACK_FILE_BYTES = 32 << 20       # largest file sent to a remote worker
PACK_TOTAL_BYTES = 64 << 20      # most bytes of one submission sent to a remote worker


class BatchError(RuntimeError):
    """The batch cannot start (e.g. no usable Dask worker): nothing was graded."""


@dataclass(frozen=True)
class Job:
    """What a grader process needs for one submission (pickled to it)."""

    id: str
    upload: str                       # the folder or .zip to grade (local), or its name (remote)
    grader_fingerprint: str
    content_hash: str
    secret: CourseSecret | None = None
    files: dict[str, bytes] | None = None   # remote: the upload's files by relative path ({name: bytes} for a file)
    is_file: bool = False
    assignment: str = "rnn_bptt"      # a built-in assignment's name, or an assignment folder's path
    lang: str = "en"                  # the language of the feedback (autograder.i18n)


@dataclass(frozen=True)
class Done:
    """What comes back: the results.json content and a few figures."""

    id: str
    data: dict
    seconds: float
    internal_error: str | None
    peak_kb: int = 0             # peak RSS of the grader process
    worker_peak_kb: int = 0      # peak RSS of the sandbox workers it has started


# ---- in a grader process ------------------------------------------------------------------------
def warm_up() -> None:
    """Pool initializer: import and load once what every grade needs (no student data); let the
    parent alone handle Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from autograder.sandbox import forkserver

    forkserver.start()          # first: the fork server (fallback mode) must never see a grader's data
    from autograder.assignment import load
    from autograder.cases import Draw
    from autograder.grade import build_cases
    from autograder.sandbox import confine, runtime

    assignment = load()
    assignment.ref()
    build_cases(Draw(b"warm-up"), assignment=assignment)   # fills the draws' cache once, before the first submission
    confine.host()
    runtime.ensure()


def grade_job(job: Job) -> Done:
    """Grade one submission in this (trusted) process; student code runs only in the sandbox it starts."""
    start = time.monotonic()
    if job.files is None:
        graded = grade_safely(Path(job.upload), secret=job.secret, assignment=job.assignment, lang=job.lang)
    else:
        with tempfile.TemporaryDirectory(prefix="rnn-batch-job-") as tmp:
            graded = grade_safely(unpack_files(job, Path(tmp)), secret=job.secret, assignment=job.assignment,
                                   lang=job.lang)
    data = results_document(graded.report, job.grader_fingerprint, job.content_hash,
                            internal_error=graded.internal_error is not None)
    return Done(job.id, data, round(time.monotonic() - start, 3), graded.internal_error,
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def pack_files(upload: Path) -> tuple[dict[str, bytes], bool]:
    """The upload's files for a remote worker: (relative path -> bytes, whether it is a single file).

    The files the grader would look at (submission.survey), each and all bounded."""
    upload = Path(upload)
    if upload.is_file():
        with upload.open("rb") as f:
            return {upload.name: f.read(PACK_FILE_BYTES)}, True
    files, total = {}, 0
    for rel, path in sorted(survey(upload).files.items())[:MAX_ENTRIES] if upload.is_dir() else []:
        try:
            if path.stat().st_size > PACK_FILE_BYTES or total + path.stat().st_size > PACK_TOTAL_BYTES:
                continue
            files[rel] = path.read_bytes()
            total += len(files[rel])
        except OSError:
            continue
    return files, False


def unpack_files(job: Job, into: Path) -> Path:
    """Write a packed upload under INTO with its own name; the path to grade."""
    name = Path(job.upload).name or "submission"
    if job.is_file:
        target = into / name
        target.write_bytes(next(iter(job.files.values())))
        return target
    root = into / name
    root.mkdir()
    for rel, data in job.files.items():
        target = root.joinpath(*rel.split("/"))
        if ".." in rel.split("/") or not target.resolve().is_relative_to(root.resolve()):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


# ---- pools --------------------------------------------------------------------------------------
class LocalPool:
    """--jobs grader processes on this machine (spawned: nothing inherited but the arguments)."""

    remote = False

    def __init__(self, jobs: int):
        self.jobs = max(1, jobs)
        self.window = 2 * self.jobs
        self._start()

    def _start(self) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.executor = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=warm_up)

    def submit(self, job: Job):
        return self.executor.submit(grade_job, job)

    def wait_any(self, pending: set) -> tuple[set, set]:
        from concurrent.futures import FIRST_COMPLETED, wait

        done, not_done = wait(pending, return_when=FIRST_COMPLETED)
        return set(done), set(not_done)

    def broken(self, exc: BaseException) -> bool:
        from concurrent.futures.process import BrokenProcessPool

        return isinstance(exc, BrokenProcessPool)

    def restart(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self._start()

    def close(self, cancel: bool = False) -> None:
        self.executor.shutdown(wait=not cancel, cancel_futures=cancel)


# ---- the batch ----------------------------------------------------------------------------------
@dataclass
class Row:
    submission: Submission
    data: dict | None = None         # results.json content, None when not graded
    problem: str = ""                # for the instructor: grader error, not written, not graded


@dataclass
class BatchResult:
    rows: list[Row]
    graded: int = 0
    skipped: int = 0
    failures: int = 0
    interrupted: bool = False
    problems: list[str] = field(default_factory=list)
    figures: list[Done] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)     # what was ignored in an input (batch_inputs)
    inputs: list[Input] = field(default_factory=list)     # each input and how many submissions it yielded

    @property
    def results(self) -> dict[str, dict]:
        return {r.submission.id: r.data for r in self.rows if r.data is not None}


def up_to_date(path: Path, grader_fingerprint: str, content_hash: str) -> dict | None:
    """The content of PATH when it is a results.json of this grader, for this content, not a grader error."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if stamp_of(data) != (grader_fingerprint, content_hash) or data.get("extra_data", {}).get("internal_error"):
        return None
    return data


def run_batch(inputs: Iterable[Path], out: Path, *, jobs: int | None = None, force: bool = False,
              assignment: str = "rnn_bptt", secret: CourseSecret | None = None, dask: str | None = None,
              progress: Progress | None = None, exports: Iterable[Path] = (),
              courses: Iterable[Path] = (), similarity=None, lang: str | None = None) -> BatchResult:
    """Grade every submission of EXPORTS (Gradescope exports, --export), COURSES (nbgrader
    courses, --nbgrader) and INPUTS (submissions and class folders) into OUT (see the module
    docstring and batch_inputs), with feedback in LANG (default: autograder.i18n.current()).
    SIMILARITY: the similarity check's options (autograder.similarity.run.Options; default ones
    when None), or False to skip it."""
    from autograder.i18n import current, language

    lang = lang or current()
    out = Path(out)
    progress = progress or Progress()
    secret = secret or load_secret()
    grader = fingerprint(secret.key, assignment, lang)
    with tempfile.TemporaryDirectory(prefix="rnn-batch-inputs-") as scratch:
        from autograder.assignment import load

        found = collect(list(inputs), Path(scratch), load(assignment).name, exports=list(exports),
                        courses=list(courses))
        for warning in found.warnings:
            progress.line(f"warning: {warning}")
        for problem in found.problems:
            progress.line(f"note: {problem}")
        rows = {s.id: Row(s) for s in found.submissions}
        todo = []
        for s in found.submissions:
            content = submission_hash(s.path)
            rows[s.id].data = None if force else up_to_date(out / s.id / "results.json", grader, content)
            if rows[s.id].data is None:
                todo.append(Job(s.id, str(s.path), grader, content, secret, assignment=str(assignment), lang=lang))
        result = BatchResult(list(rows.values()), skipped=len(found.submissions) - len(todo),
                             problems=list(found.problems), warnings=list(found.warnings), inputs=list(found.inputs))
        if todo:
            if dask:
                from autograder.batch_dask import DaskPool
                pool = DaskPool(dask, assignment, progress)
            else:
                pool = LocalPool(min(jobs or os.cpu_count() or 1, len(todo)))
            with progress:
                progress.start(len(todo), result.skipped)
                _grade(pool, todo, rows, out, result, progress)
        elif result.skipped:
            progress.line(f"all {result.skipped} submissions already graded by this grader (--force grades them "
                          "again)")
        if similarity is not False and not result.interrupted:
            with language(lang):
                _similarity(found.submissions, out, assignment, similarity, result, progress)
    if not result.interrupted:
        write_grades_csv(out / "grades.csv", result.rows, assignment)
        try:
            from autograder.report_class import write_report
            write_report(out, out / "report.html", assignment=assignment, lang=lang)
        except (OSError, ValueError) as exc:
            result.problems.append(f"the class report could not be written: {exc}")
    return result


def _similarity(submissions: list[Submission], out: Path, assignment, options, result: BatchResult,
                progress: Progress) -> None:
    """The similarity check of the class (autograder.similarity): similarity.csv, pages, report section."""
    from autograder.similarity.run import run_similarity, summary_line

    try:
        outcome = run_similarity(submissions, out, assignment, options)
    except Exception as exc:  # noqa: BLE001 - the grades and the report are written whatever happens here
        result.problems.append(f"the similarity check could not be completed ({type(exc).__name__}: {exc}); "
                               "the grades are not affected")
        return
    progress.line(summary_line(outcome, out))


def _grade(pool, todo: list[Job], rows: dict[str, Row], out: Path, result: BatchResult, progress: Progress) -> None:
    """Run TODO through POOL, at most pool.window at a time, writing each result as it comes."""
    queue = list(reversed(todo))
    pending: dict = {}
    restarts = 0
    stopping = False
    try:
        while pending or (queue and not stopping):
            while queue and not stopping and len(pending) < pool.window:
                job = queue.pop()
                pending[pool.submit(job)] = job
            try:
                done, _ = pool.wait_any(set(pending))
            except KeyboardInterrupt:
                if stopping:
                    raise
                stopping = True
                result.interrupted = True
                progress.line(f"interrupted: finishing the {len(pending)} submissions in progress "
                              "(Ctrl-C again to stop at once)")
                continue
            for future in done:
                job = pending.pop(future)
                try:
                    finished: Done = future.result()
                except Exception as exc:  # noqa: BLE001 - a lost grader process must not stop the class
                    if pool.broken(exc) and restarts < 2:
                        restarts += 1
                        queue += [job, *pending.values()]
                        pending.clear()
                        pool.restart()
                        progress.line(f"a grader process died ({exc}); restarted the pool")
                        break
                    rows[job.id].problem = f"not graded ({type(exc).__name__}: {exc}); run the batch again"
                    result.failures += 1
                    progress.advance(job.id, rows[job.id].problem, failed=True)
                    continue
                _record(finished, rows[job.id], out, result, progress)
    except KeyboardInterrupt:
        result.interrupted = True
        pool.close(cancel=True)
        return
    pool.close(cancel=stopping)


def _record(done: Done, row: Row, out: Path, result: BatchResult, progress: Progress) -> None:
    row.data = done.data
    result.graded += 1
    result.figures.append(done)
    problem = save(out / done.id / "results.json", done.data)
    if done.internal_error:
        row.problem = "internal grader error (the traceback is in the batch's output); graded again next run"
        progress.line(f"{done.id}: internal grader error:\n{done.internal_error}")
    if problem:
        row.problem = "; ".join(p for p in (row.problem, problem) if p)
    failed = bool(done.internal_error or problem)
    result.failures += failed
    summary = f"{done.data['score']:g}/{max_score(done.data):g} in {done.seconds:.1f} s"
    progress.advance(done.id, f"{summary}; {row.problem}" if row.problem else summary, failed)


def max_score(data: dict) -> float:
    return round(sum(t.get("max_score", 0) for t in data.get("tests", [])), 4)


# ---- grades.csv ---------------------------------------------------------------------------------
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(text: str) -> str:
    """A text cell a spreadsheet shows as text: one starting like a formula gets a leading '."""
    return "'" + text if text.startswith(FORMULA_START) else text


def number(x: float | None) -> str:
    return "" if x is None else f"{round(x, 4):.4f}".rstrip("0").rstrip(".")


def grades_csv(rows: list[Row], assignment=None) -> str:
    """One row per student (per submitter of a group submission): identity columns, total, one
    column per function. The same rows give the same bytes."""
    from autograder.assignment import load
    from autograder.report_class import parse_results

    names = [fn.name for fn in load(assignment).functions]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["submission", "name", "email", "sid", "score", "max_score", *names, "problem"])
    for row in rows:
        per_function: dict = {}
        score = top = None
        if row.data is not None:
            try:
                parsed = parse_results(row.data, row.submission.id)
                per_function, score, top = parsed.functions, parsed.score, parsed.max_score
            except ValueError as exc:
                row.problem = row.problem or f"unreadable results: {exc}"
        for person in row.submission.people or (Person(),):
            writer.writerow([cell(row.submission.id), cell(person.name), cell(person.email), cell(person.sid),
                             number(score), number(top),
                             *[number(per_function[n][0]) if n in per_function else "" for n in names],
                             cell(row.problem)])
    return buffer.getvalue()


def write_grades_csv(path: Path, rows: list[Row], assignment=None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(grades_csv(rows, assignment), encoding="utf-8", newline="")
    os.replace(tmp, path)


def remote_job(job: Job) -> Job:
    """JOB with the upload's files packed in, for a worker on another machine."""
    files, is_file = pack_files(Path(job.upload))
    return replace(job, files=files, is_file=is_file)
