"""What graded a results.json: a fingerprint of the grader's code, the assignment's reference and
its points table, so that reports, batch resumes and regrades can tell grades of different
versions apart (results.json carries it in extra_data.grader_fingerprint)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from autograder.assignment import Assignment, load

PACKAGE_DIR = Path(__file__).resolve().parent

_CACHE: dict[int, str] = {}


def _files(assignment: Assignment) -> list[tuple[str, Path]]:
    """(name, path) of every file the fingerprint covers, in a fixed order."""
    files = [(p.relative_to(PACKAGE_DIR).as_posix(), p) for p in sorted(PACKAGE_DIR.rglob("*.py"))
             if "__pycache__" not in p.parts]
    folder = assignment.folder
    if folder is not None and not folder.resolve().is_relative_to(PACKAGE_DIR):
        files += [(f"assignment/{p.relative_to(folder).as_posix()}", p) for p in sorted(folder.rglob("*.py"))
                  if "__pycache__" not in p.parts]
    if assignment.reference is not None:
        files += [(f"reference/{m}.py", assignment.reference.dir / f"{m}.py") for m in assignment.reference.modules]
    return files


def grader_fingerprint(assignment: Assignment | str | None = None) -> str:
    """A short hex digest of the grader's code, ASSIGNMENT's reference and its points table."""
    assignment = load(assignment)
    if id(assignment) not in _CACHE:
        h = hashlib.sha256()
        for name, path in _files(assignment):
            try:
                data = path.read_bytes().replace(b"\r\n", b"\n")
            except OSError:
                data = b"<missing>"
            h.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
        h.update(json.dumps({"name": assignment.name, "points": dict(assignment.points),
                             "total": assignment.total}, sort_keys=True).encode())
        _CACHE[id(assignment)] = h.hexdigest()[:16]
    return _CACHE[id(assignment)]
