"""`autograder batch`: grade many submission folders, one results.json each, plus grades.csv.

Each argument is a submission folder, or a class folder whose sub-folders are submissions
(a folder with no .py file at its top is taken as a class folder).
"""
from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from autograder.assignment import Assignment, load
from autograder.grade import Report, grade_or_fallback
from autograder.results import by_function, to_gradescope, write_atomically


def expand(paths: Iterable[Path]) -> list[Path]:
    """Submission folders: the paths themselves, or the sub-folders of a class folder."""
    out = []
    for path in map(Path, paths):
        if path.is_dir() and not any(path.glob("*.py")):
            subs = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith((".", "__")))
            out.extend(subs or [path])
        else:
            out.append(path)
    return out


def unique_names(paths: list[Path]) -> list[str]:
    """A short distinct name per submission (its folder name, with the parent's when they clash)."""
    names = [p.name or str(p) for p in paths]
    return ["__".join(p.parts[-2:]) if names.count(n) > 1 else n for p, n in zip(paths, names)]


def grade_all(paths: Iterable[Path], out_dir: Path,
              assignment: Assignment | str | None = None) -> list[tuple[str, Report]]:
    assignment = load(assignment)
    submissions = expand(paths)
    graded = []
    for name, path in zip(unique_names(submissions), submissions):
        report = grade_or_fallback(path, assignment)     # one broken grade must not stop the class
        try:
            write_atomically(out_dir / name / "results.json", to_gradescope(report))
        except OSError as exc:                          # nor one unwritable folder
            report.notes.append(f"results.json could not be written: {exc}")
        graded.append((name, report))
    write_grades_csv(out_dir / "grades.csv", graded, assignment)
    return graded


def write_grades_csv(path: Path, graded: list[tuple[str, Report]], assignment: Assignment | None = None) -> None:
    functions = load(assignment).functions
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["submission", "score", "max_score", *[fn.name for fn in functions]])
        for name, report in graded:
            writer.writerow([name, report.score, report.max_score, *[s for _, s, _ in by_function(report)]])
