"""A submission's code for the similarity check: the files grading stages, read as text.

An upload (folder, .zip, notebook) is staged exactly as grading stages it (submission.stage:
the same limits on zips, sizes, depth and file counts, notebooks read and never run, helper
modules kept), and every staged .py file is read (at most submission.MAX_STAGED_FILES: staging
refuses more). Nothing is run.
"""
from __future__ import annotations

from pathlib import Path

from autograder.assignment import Assignment
from autograder.intake.submission import MAX_FILE_BYTES, MAX_STAGED_FILES, stage


def read_code(upload: Path, assignment: Assignment) -> dict[str, str]:
    """Relative path -> text of every .py file grading would stage from UPLOAD."""
    staged = stage(Path(upload), assignment)
    try:
        return read_folder(staged.dir)
    finally:
        staged.cleanup()


def read_folder(folder: Path) -> dict[str, str]:
    """Relative path -> text of the .py files under FOLDER (no links; bounded as grading bounds them)."""
    out: dict[str, str] = {}
    paths = sorted(p for p in Path(folder).rglob("*.py") if p.is_file() and not p.is_symlink())[:MAX_STAGED_FILES]
    for path in paths:
        try:
            with path.open("rb") as f:
                raw = f.read(MAX_FILE_BYTES + 1)[:MAX_FILE_BYTES]
        except OSError:
            continue
        out[path.relative_to(folder).as_posix()] = raw.decode("utf-8-sig", errors="replace")
    return out
