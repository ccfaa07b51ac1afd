"""What `batch` grades: the submissions inside its INPUT arguments, each with an id and its people.

An INPUT is one of:
- a Gradescope "Export Submissions" download, as a folder or a .zip: submission_metadata.yml
  (at its top, or one folder down) beside one submission_<id>/ folder per submission. The YAML
  was written by Ruby, so its keys are symbols that load as strings such as ":submitters" and
  ":name"; Ruby-specific tags (!ruby/object:BigDecimal) are read as plain values. A group
  submission is graded once; every submitter gets a row in grades.csv.
- an nbgrader course folder (holding submitted/) or its submitted/ folder:
  submitted/<student>/<assignment>/ is that student's submission.
- a submission: a folder with a .py or .ipynb file at its top, or a .zip file;
- a class folder: any other folder; its sub-folders and .zip files are its submissions.

Ids name the output folders: safe characters only ([A-Za-z0-9._-]), distinct. Names and emails
appear only in grades.csv.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from autograder.submission import MAX_ENTRIES, MAX_UNPACKED_BYTES, _safe_member_path

METADATA = "submission_metadata.yml"
EXPORT_MEMBER_BYTES = MAX_UNPACKED_BYTES          # largest file unpacked from an export
EXPORT_SUBMISSION_BYTES = 2 * MAX_UNPACKED_BYTES  # most bytes unpacked for one submission of an export
RESERVED = {"grades.csv", "report.html", "similarity", "similarity.csv", "similarity.html"}


@dataclass(frozen=True)
class Person:
    name: str = ""
    email: str = ""
    sid: str = ""


@dataclass(frozen=True)
class Submission:
    id: str                           # the output folder's name
    path: Path                        # what is graded: a folder or a .zip
    people: tuple[Person, ...] = ()


@dataclass
class Found:
    submissions: list[Submission] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)          # inputs (or parts) not graded, and why


# ---- ids ----------------------------------------------------------------------------------------
def safe_id(name: str) -> str:
    """NAME with every run of other characters than [A-Za-z0-9._-] made "_", no leading dot."""
    out = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._-")[:80]
    return out or "submission"


def distinct(ids: list[str]) -> list[str]:
    """IDS made distinct (also on case-insensitive disks) by appending -2, -3 ..."""
    seen: set[str] = set()
    out = []
    for i in ids:
        candidate, n = i, 1
        while candidate.lower() in seen or candidate.lower() in RESERVED:
            n += 1
            candidate = f"{i}-{n}"
        seen.add(candidate.lower())
        out.append(candidate)
    return out


# ---- Gradescope exports -------------------------------------------------------------------------
def _yaml():
    import yaml  # PyYAML: a dependency of the package

    class RubyTolerantLoader(yaml.SafeLoader):
        """safe_load, but a Ruby tag (!ruby/object:BigDecimal 18:0.1e2) is read as its plain value."""

    def untagged(loader, _suffix, node):
        if isinstance(node, yaml.MappingNode):
            return loader.construct_mapping(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_scalar(node)

    RubyTolerantLoader.add_multi_constructor("!", untagged)
    return yaml, RubyTolerantLoader


def _field(entry: dict, key: str):
    return entry.get(f":{key}", entry.get(key)) if isinstance(entry, dict) else None


def read_metadata(path: Path) -> tuple[dict[str, tuple[Person, ...]], str | None]:
    """submission folder name -> its submitters, from submission_metadata.yml; and a problem, if any."""
    yaml, loader = _yaml()
    try:
        data = yaml.load(path.read_text(encoding="utf-8", errors="replace"), Loader=loader)  # noqa: S506 - safe
    except (OSError, yaml.YAMLError) as exc:
        return {}, f"{path} could not be read ({exc.__class__.__name__}): students' names are left out of grades.csv."
    if not isinstance(data, dict):
        return {}, f"{path} is not a mapping of submissions: students' names are left out of grades.csv."
    people = {}
    for key, entry in data.items():
        submitters = _field(entry, "submitters")
        rows = []
        for s in submitters if isinstance(submitters, list) else []:
            rows.append(Person(*(str(_field(s, k) or "") for k in ("name", "email", "sid"))))
        people[str(key)] = tuple(rows)
    return people, None


def _export_root(folder: Path) -> Path | None:
    if (folder / METADATA).is_file():
        return folder
    subs = [p for p in folder.iterdir() if p.is_dir() and (p / METADATA).is_file()]
    return subs[0] if len(subs) == 1 else None


def from_export(root: Path, found: Found, label: str) -> list[Submission]:
    people, problem = read_metadata(root / METADATA)
    if problem:
        found.problems.append(problem)
    out, folders = [], set()
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith("submission_")):
        folders.add(folder.name)
        who = people.get(folder.name, ())
        if folder.name not in people:
            found.problems.append(f"{label}: {folder.name} is not in {METADATA}; graded without names.")
        out.append(Submission(safe_id(folder.name), folder, who))
    for key in sorted(set(people) - folders):
        found.problems.append(f"{label}: {METADATA} lists {key}, but the export has no folder {key}/.")
    return out


def _zip_export_prefix(names: list[str]) -> str | None:
    """'' or 'folder/' when the zip holds submission_metadata.yml there; None when it is no export."""
    for name in names:
        path = _safe_member_path(name)
        if path is not None and path.name == METADATA and len(path.parts) <= 2:
            return "" if len(path.parts) == 1 else f"{path.parts[0]}/"
    return None


def unpack_export(archive: Path, into: Path) -> tuple[Path, list[str]] | None:
    """Unpack a Gradescope export zip into INTO (safely: no absolute or ".." paths, no links, each
    submission bounded on its own); (its root, problems), or None when ARCHIVE is no export."""
    with zipfile.ZipFile(archive) as zf:
        prefix = _zip_export_prefix(zf.namelist())
        if prefix is None:
            return None
        used: dict[str, list[int]] = {}          # submission folder -> [bytes, entries]
        problems = []
        for info in zf.infolist():
            rel = _safe_member_path(info.filename)
            mode = (info.external_attr >> 16) & 0o170000
            if rel is None or info.is_dir() or mode == 0o120000 or not rel.as_posix().startswith(prefix):
                continue
            inner = PurePosixPath(rel.as_posix()[len(prefix):])
            top = inner.parts[0]
            if inner.name == METADATA and len(inner.parts) == 1:
                pass
            elif not top.startswith("submission_") or len(inner.parts) < 2:
                continue
            budget = used.setdefault(top, [0, 0])
            if (info.file_size > EXPORT_MEMBER_BYTES or budget[0] + info.file_size > EXPORT_SUBMISSION_BYTES
                    or budget[1] >= MAX_ENTRIES):
                problems.append(f"{archive.name}: {inner} was left out (too large, or too many files in {top}).")
                continue
            budget[0] += info.file_size
            budget[1] += 1
            target = into.joinpath(*inner.parts)
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src:
                    target.write_bytes(src.read(EXPORT_MEMBER_BYTES + 1)[:EXPORT_MEMBER_BYTES])
            except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, ValueError) as exc:
                problems.append(f"{archive.name}: {inner} could not be unpacked ({exc}).")
    return into, problems[:20] + ([f"{archive.name}: {len(problems) - 20} more files left out."]
                                  if len(problems) > 20 else [])


# ---- nbgrader -----------------------------------------------------------------------------------
def _submitted_folder(folder: Path) -> Path | None:
    if folder.name == "submitted" and folder.is_dir():
        return folder
    return folder / "submitted" if (folder / "submitted").is_dir() else None


def from_nbgrader(submitted: Path, assignment: str, found: Found) -> list[Submission]:
    out = []
    for student in sorted(p for p in submitted.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if (student / assignment).is_dir():
            out.append(Submission(safe_id(student.name), student / assignment, (Person(sid=student.name),)))
        else:
            found.problems.append(f"{student}: no {assignment}/ folder (nothing submitted for it?); not graded.")
    return out


# ---- plain folders and zips ---------------------------------------------------------------------
def is_submission_folder(folder: Path) -> bool:
    return any(folder.glob("*.py")) or any(folder.glob("*.ipynb"))


def _plain(paths: list[Path]) -> list[Submission]:
    names = [p.stem if p.suffix.lower() == ".zip" else (p.name or str(p)) for p in paths]
    names = ["__".join([p.parent.name, n]) if names.count(n) > 1 else n for p, n in zip(paths, names)]
    return [Submission(safe_id(n), p) for p, n in zip(paths, names)]


# ---- all inputs ---------------------------------------------------------------------------------
def collect(inputs: list[Path], scratch: Path, assignment: str = "rnn_bptt") -> Found:
    """Every submission of INPUTS, in order, with distinct ids. Export zips unpack under SCRATCH."""
    found = Found()
    subs: list[Submission] = []
    plain: list[Path] = []
    for n, path in enumerate(map(Path, inputs)):
        if path.is_file() and zipfile.is_zipfile(path):
            try:
                unpacked = unpack_export(path, scratch / f"export-{n}")
            except (OSError, zipfile.BadZipFile, RuntimeError, ValueError) as exc:
                found.problems.append(f"{path}: could not be read as a zip ({exc}); not graded.")
                continue
            if unpacked is None:
                plain.append(path)
            else:
                root, problems = unpacked
                found.problems += problems
                subs += from_export(root, found, path.name)
        elif path.is_dir():
            export, submitted = _export_root(path), _submitted_folder(path)
            if export is not None:
                subs += from_export(export, found, path.name)
            elif submitted is not None and not is_submission_folder(path):
                subs += from_nbgrader(submitted, assignment, found)
            elif is_submission_folder(path):
                plain.append(path)
            else:
                inside = sorted(p for p in path.iterdir() if not p.name.startswith((".", "__"))
                                and (p.is_dir() or p.suffix.lower() == ".zip"))
                plain += inside or [path]
        else:
            found.problems.append(f"{path}: {'not a folder or a .zip file' if path.exists() else 'does not exist'}; "
                                  "not graded.")
    subs += _plain(plain)
    unique, seen = [], set()
    for s in subs:
        key = s.path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(s)
    found.submissions = [Submission(i, s.path, s.people) for i, s in zip(distinct([s.id for s in unique]), unique)]
    return found
