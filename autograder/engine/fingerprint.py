"""The grader's fingerprint: one hash of everything that decides a grade.

Two graders with the same fingerprint give every submission the same score and feedback. It
covers the autograder package's source files (an assignment given by path: its folder's too), the
assignment's name, reference solution files and points table,
Hypothesis' version (it draws the cases), the message catalogues and
the language of the feedback and, when given, the course secret (hashed: the secret
itself is never stored or printed, and the fingerprint does not reveal it). `batch` skips a
submission already graded under the same fingerprint and content (submission_hash), and a Dask
worker whose fingerprint differs from the client's is refused.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from autograder.assignment import Assignment, load
from autograder.intake.submission import MAX_ENTRIES, survey

PACKAGE = Path(__file__).resolve().parents[1]     # autograder/
VERSION_OF = "rnn-autograder"


def package_version() -> str:
    import importlib.metadata  # here, not at the top: a cold grade never needs it (~30 ms of imports)

    try:
        return importlib.metadata.version(VERSION_OF)
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed)"


def _files_digest(root: Path, pattern: str) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob(pattern) if "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


_BASES: dict[int, str] = {}


def _base(a: Assignment) -> str:
    if id(a) not in _BASES:
        from autograder.engine.cases import hypothesis_version  # without importing Hypothesis (0.15 s)

        folder = a.folder.resolve() if a.folder is not None else None
        parts = {
            "package": _files_digest(PACKAGE, "*.py"),
            "catalogues": _files_digest(PACKAGE, "*.po"),
            "assignment": a.name,
            "folder": _files_digest(folder, "*.py") if folder and not folder.is_relative_to(PACKAGE) else "",
            "reference": _files_digest(a.reference.dir, "*.py") if a.reference is not None else "",
            "points": json.dumps(dict(a.points), sort_keys=True),
            "hypothesis": hypothesis_version(),
        }
        _BASES[id(a)] = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return _BASES[id(a)]


def fingerprint(secret: bytes | None = None, assignment: Assignment | str | None = None,
                lang: str | None = None) -> str:
    """sha256 hex of the grader and the assignment (see the module docstring), the secret and the
    language of the feedback (default: autograder.i18n.current())."""
    from autograder.i18n import current

    a = load(assignment)
    secret_part = hashlib.sha256(b"rnn-autograder secret\0" + secret).hexdigest() if secret is not None else ""
    return hashlib.sha256(f"{_base(a)}\0{a.name}\0{secret_part}\0{lang or current()}".encode()).hexdigest()


def grader_fingerprint(assignment: Assignment | str | None = None, lang: str | None = None) -> str:
    """The fingerprint without the secret, short (results.json's extra_data.grader_fingerprint
    when no secret-bound one is stamped by safe_grade)."""
    return fingerprint(None, assignment, lang)[:16]


def submission_hash(upload: Path) -> str:
    """sha256 hex of an upload's content: a file's bytes, or a folder's files (relative path and
    bytes, in sorted order; the files the grader would look at, bounded as in submission.survey)."""
    upload = Path(upload)
    digest = hashlib.sha256()
    if upload.is_file():
        digest.update(b"file\0" + upload.name.encode("utf-8", "surrogateescape") + b"\0")
        _update_with_file(digest, upload)
    elif upload.is_dir():
        files = survey(upload).files
        digest.update(b"folder\0" + str(len(files)).encode() + (b" truncated" if len(files) >= MAX_ENTRIES else b""))
        for rel in sorted(files):
            digest.update(b"\0" + rel.encode("utf-8", "surrogateescape") + b"\0")
            _update_with_file(digest, files[rel])
    else:
        digest.update(b"missing\0" + str(upload).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _update_with_file(digest, path: Path) -> None:
    try:
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        digest.update(f"\0unreadable: {exc.strerror}".encode())
