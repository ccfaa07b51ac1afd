"""One submission as a job of `batch`: what a grader process (local, or a Dask worker) is sent and
what it sends back, and grade_job, which such a process runs (safe_grade.grade_safely, exactly what
`grade` runs; student code runs only in the sandbox worker it starts).

Shared by batch.py (the local pool) and batch_dask.py (the workers of a Dask cluster), which import
it, and import nothing from each other but batch.py's lazy import of batch_dask.DaskPool.
"""
from __future__ import annotations

import resource
import signal
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from autograder.engine.secret import CourseSecret
from autograder.intake.submission import MAX_ENTRIES, survey
from autograder.platforms.safe_grade import grade_safely, results_document

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
    from autograder.sandbox import confine

    confine.start_fork_server()          # first: the fork server (fallback mode) must never see a grader's data
    from autograder.assignment import load
    from autograder.engine.cases import Draw
    from autograder.pipeline.grade import build_cases
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


def remote_job(job: Job) -> Job:
    """JOB with the upload's files packed in, for a worker on another machine."""
    files, is_file = pack_files(Path(job.upload))
    return replace(job, files=files, is_file=is_file)
