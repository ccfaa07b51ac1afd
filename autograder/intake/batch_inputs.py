"""What `batch` grades: the submissions inside its inputs, each with an id and its people.

The instructor names what each input is; nothing inside an input can change that:

- `--export PATH`: a Gradescope "Export Submissions" download, as a folder or a .zip:
  submission_metadata.yml at its top, or in its one wrapper folder (as Gradescope writes it),
  beside one submission_<id>/ folder per submission. The YAML was written by Ruby, so its keys
  are symbols that load as strings such as ":submitters" and ":name"; Ruby-specific tags
  (!ruby/object:BigDecimal) are read as plain values. It is read with a safe loader, bounded in
  size, and only the entries of the export's own submission folders are looked at. A group
  submission is graded once; every submitter gets a row in grades.csv.
- `--nbgrader PATH`: an nbgrader course folder (holding submitted/) or its submitted/ folder:
  submitted/<student>/<assignment>/ is that student's submission, and <student> its id.
- any other INPUT: a submission (a folder with a .py or .ipynb file at its top, or a .zip
  file) or a class folder (any other folder: its sub-folders and .zip files are its
  submissions). A submission_metadata.yml or a submitted/ folder found in one is ignored, with
  a warning: it is graded as a submission like any other, and it never names anyone.

Names, emails and student ids come only from the instructor's export or course. Every input is
counted (Found.inputs): one that yields no submission, or fewer than the folders it holds, is
reported with the reason. Ids name the output folders: safe characters only ([A-Za-z0-9._-]),
distinct. Names and emails appear only in grades.csv.
"""
from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from autograder.i18n import N_, _, ngettext
from autograder.intake.submission import MAX_ENTRIES, MAX_UNPACKED_BYTES, _is_junk_name, _safe_member_path
from autograder.intake.ziplimits import ZipRefused, looks_like_zip, read_directory

METADATA = "submission_metadata.yml"
NOT_READ = N_("not read")                         # an input's kind when it could not be read
METADATA_MAX_BYTES = 128 << 20                    # largest submission_metadata.yml read
MAX_SUBMITTERS = 50                               # submitters read per submission (a group)
MAX_FIELD_CHARS = 200                             # longest name, email or sid kept
EXPORT_MEMBER_BYTES = MAX_UNPACKED_BYTES          # largest file unpacked from an export
EXPORT_SUBMISSION_BYTES = 2 * MAX_UNPACKED_BYTES  # most bytes unpacked for one submission of an export
RESERVED = {"grades.csv", "report.html", "similarity", "similarity.csv", "similarity.html"}
MAX_PROBLEMS = 20                                 # problems listed per input


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
class Input:
    """One input as the instructor gave it, and what it yielded."""

    label: str                        # e.g. "class/", "--export export.zip"
    kind: str = ""                    # "Gradescope export", "nbgrader course", "class folder", "submission"
    folders: int = 0                  # the folders (and zips) in it that could each be a submission
    submissions: int = 0              # how many it yielded (after duplicates of earlier inputs)

    def summary(self) -> str:
        """E.g. "class/ (class folder): 12 submissions" or "... 40 submissions of 41 folders"."""
        n = ngettext("{n} submission", "{n} submissions", self.submissions).format(n=self.submissions)
        of = (ngettext(" of {n} folder", " of {n} folders", self.folders).format(n=self.folders)
              if self.submissions < self.folders else "")
        return f"{self.label} ({_(self.kind or NOT_READ)}): {n}{of}"


@dataclass
class Found:
    submissions: list[Submission] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)          # inputs (or parts) not graded, and why
    warnings: list[str] = field(default_factory=list)          # what was ignored in an input, and why
    inputs: list[Input] = field(default_factory=list)


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


# ---- Gradescope exports (--export) -------------------------------------------------------------
def _yaml():
    import yaml  # PyYAML: a dependency of the package

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)     # libyaml when present: the same rules, faster

    class RubyTolerantLoader(base):
        """safe_load, but a Ruby tag (!ruby/object:BigDecimal 18:0.1e2) is read as its plain value."""

    def untagged(loader, _suffix, node):
        if isinstance(node, yaml.MappingNode):
            return loader.construct_mapping(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_scalar(node)

    RubyTolerantLoader.add_multi_constructor("!", untagged)
    return yaml, RubyTolerantLoader


def _field(entry: object, key: str) -> object:
    return entry.get(f":{key}", entry.get(key)) if isinstance(entry, dict) else None


def clean_field(value: object) -> str:
    """A name, email or sid as one short line of printable text; "" unless it is a string or a number."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return ""
    text = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in str(value)[:4 * MAX_FIELD_CHARS])
    return " ".join(text.split())[:MAX_FIELD_CHARS]


def _people(entry: object) -> tuple[Person, ...]:
    submitters = _field(entry, "submitters")
    rows = []
    for s in submitters[:MAX_SUBMITTERS] if isinstance(submitters, list) else []:
        person = Person(*(clean_field(_field(s, k)) for k in ("name", "email", "sid")))
        if person != Person():
            rows.append(person)
    return tuple(rows)


def load_metadata(path: Path) -> tuple[dict | None, str | None]:
    """The mapping a submission_metadata.yml holds, read safely and bounded; or (None, the problem)."""
    yaml, loader = _yaml()
    left_out = "students' names are left out of grades.csv (the submissions are graded)."
    try:
        if not path.is_file():
            return None, f"{path} is not a regular file: {left_out}"
        with path.open("rb") as f:
            raw = f.read(METADATA_MAX_BYTES + 1)
        if len(raw) > METADATA_MAX_BYTES:
            return None, f"{path} is larger than {METADATA_MAX_BYTES >> 20} MB: {left_out}"
        data = yaml.load(raw.decode("utf-8", errors="replace"), Loader=loader)  # noqa: S506 - a safe loader
    except (OSError, yaml.YAMLError, ValueError, TypeError, RecursionError, MemoryError) as exc:
        return None, f"{path} could not be read ({exc.__class__.__name__}): {left_out}"
    if not isinstance(data, dict):
        return None, f"{path} is not a mapping of submissions: {left_out}"
    return data, None


def _keys(data: dict) -> dict[str, object]:
    """Entry name -> its key, for the keys that can name a folder (strings and integers)."""
    return {str(k): k for k in data if isinstance(k, (str, int)) and not isinstance(k, bool)}


def read_metadata(path: Path, folders: list[str] | None = None) -> tuple[dict[str, tuple[Person, ...]], str | None]:
    """Submission folder name -> its submitters, from submission_metadata.yml (only the FOLDERS'
    entries when given); and a problem, if any. Never raises for what the file holds."""
    data, problem = load_metadata(path)
    if data is None:
        return {}, problem
    keys = _keys(data)
    wanted = keys if folders is None else [k for k in folders if k in keys]
    return {k: _people(data[keys[k]]) for k in wanted}, None


def export_root(folder: Path) -> tuple[Path | None, str]:
    """The folder of an export that holds submission_metadata.yml: FOLDER, or its one wrapper
    folder; else (None, why)."""
    if (folder / METADATA).is_file():
        return folder, ""
    try:
        subs = sorted(p for p in folder.iterdir() if p.is_dir() and not _is_junk_name(p.name)
                      and (p / METADATA).is_file())
    except OSError as exc:
        return None, f"it could not be read ({exc.strerror or exc})"
    if len(subs) == 1:
        return subs[0], ""
    if subs:
        return None, f"{len(subs)} of its folders hold a {METADATA} ({', '.join(p.name for p in subs[:3])}): " \
                     "give each export on its own"
    return None, f"it has no {METADATA} at its top or in a wrapper folder (is it Gradescope's \"Export " \
                 "Submissions\" download?)"


def from_export(root: Path, found: Found, label: str, entry: Input) -> list[Submission]:
    """One Submission per submission_<id>/ folder of the export at ROOT, with the submitters that
    the export's metadata gives it."""
    problems: list[str] = []
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not _is_junk_name(p.name))
    entry.folders = len(folders)
    graded = [p for p in folders if p.name.startswith("submission_")]
    data, problem = load_metadata(root / METADATA)
    keys = _keys(data) if data is not None else {}
    if problem:
        problems.append(problem)
    for folder in folders:
        if folder not in graded:
            problems.append(f"{label}: {folder.name}/ is not a submission_<id>/ folder; not graded.")
    out = []
    for folder in graded:
        if folder.name not in keys and not problem:
            problems.append(f"{label}: {folder.name} is not in {METADATA}; graded without names.")
        who = _people(data[keys[folder.name]]) if folder.name in keys else ()
        out.append(Submission(safe_id(folder.name), folder, who))
    problems += [f"{label}: {METADATA} lists {key}, but the export has no folder {key}/."
                 for key in sorted(set(keys) - {p.name for p in graded})]
    found.problems += _bounded(problems, label)
    return out


def _bounded(problems: list[str], label: str) -> list[str]:
    extra = len(problems) - MAX_PROBLEMS
    return problems[:MAX_PROBLEMS] + ([f"{label}: {extra} more problems like these."] if extra > 0 else [])


def _zip_export_prefix(names: list[str]) -> tuple[str | None, str]:
    """('' or 'folder/', '') when the zip holds submission_metadata.yml at its top or in one wrapper
    folder; (None, why) when it is no export."""
    paths = [p for p in map(_safe_member_path, names) if p is not None and p.name == METADATA]
    if any(len(p.parts) == 1 for p in paths):
        return "", ""
    wrappers = sorted({p.parts[0] for p in paths if len(p.parts) == 2})
    if len(wrappers) == 1:
        return f"{wrappers[0]}/", ""
    if wrappers:
        return None, f"{len(wrappers)} of its folders hold a {METADATA}: give each export on its own"
    return None, f"it has no {METADATA} at its top or in a wrapper folder (is it Gradescope's \"Export " \
                 "Submissions\" download?)"


def unpack_export(archive: Path, into: Path) -> tuple[Path | None, list[str]]:
    """Unpack a Gradescope export zip into INTO (safely: no absolute or ".." paths, no links, each
    submission bounded on its own); (its root, problems), or (None, [why]) when ARCHIVE is no export."""
    with zipfile.ZipFile(archive) as zf:
        prefix, why = _zip_export_prefix(zf.namelist())
        if prefix is None:
            return None, [why]
        used: dict[str, list[int]] = {}          # submission folder -> [bytes, entries]
        problems = []
        into.mkdir(parents=True, exist_ok=True)
        for info in zf.infolist():
            rel = _safe_member_path(info.filename)
            mode = (info.external_attr >> 16) & 0o170000
            if rel is None or mode == 0o120000 or not rel.as_posix().startswith(prefix):
                continue
            inner = PurePosixPath(rel.as_posix()[len(prefix):])
            top = inner.parts[0]
            if info.is_dir():
                if len(inner.parts) == 1:             # an empty submission folder is still a submission
                    into.joinpath(top).mkdir(exist_ok=True)
                continue
            if inner.name == METADATA and len(inner.parts) == 1:
                pass
            elif len(inner.parts) < 2:
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
    return into, _bounded(problems, archive.name)


def collect_export(path: Path, scratch: Path, found: Found, entry: Input) -> list[Submission]:
    """The submissions of an export the instructor gave with --export (a folder or a zip)."""
    entry.kind = N_("Gradescope export")
    if path.is_dir():
        root, why = export_root(path)
    elif path.is_file() and looks_like_zip(path):
        try:
            root, problems = unpack_export(path, scratch)
        except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, ValueError, EOFError) as exc:
            root, problems = None, [f"it could not be read as a zip ({exc})"]
        why = problems[0] if root is None else ""
        if root is not None:
            found.problems += problems
    else:
        root, why = None, "it is not a folder or a .zip file" if path.exists() else "it does not exist"
    if root is None:
        found.problems.append(f"{entry.label}: not graded: {why}.")
        return []
    return from_export(root, found, entry.label, entry)


# ---- nbgrader (--nbgrader) ----------------------------------------------------------------------
def submitted_folder(folder: Path) -> Path | None:
    """FOLDER when it is nbgrader's submitted/ folder, its submitted/ folder when it is a course."""
    if folder.name == "submitted" and folder.is_dir():
        return folder
    return folder / "submitted" if (folder / "submitted").is_dir() else None


def from_nbgrader(submitted: Path, assignment: str, found: Found, entry: Input | None = None) -> list[Submission]:
    out, problems = [], []
    students = sorted(p for p in submitted.iterdir() if p.is_dir() and not p.name.startswith("."))
    for student in students:
        if (student / assignment).is_dir():
            out.append(Submission(safe_id(student.name), student / assignment, (Person(sid=student.name),)))
        else:
            problems.append(f"{student}: no {assignment}/ folder (nothing submitted for it?); not graded.")
    found.problems += _bounded(problems, str(submitted))
    if entry is not None:
        entry.folders = len(students)
    return out


def collect_nbgrader(path: Path, assignment: str, found: Found, entry: Input) -> list[Submission]:
    """The submissions of an nbgrader course (or its submitted/ folder) given with --nbgrader."""
    entry.kind = N_("nbgrader course")
    submitted = submitted_folder(path) if path.is_dir() else None
    if submitted is None:
        why = "it has no submitted/ folder" if path.is_dir() else \
            "it is not a folder" if path.exists() else "it does not exist"
        found.problems.append(f"{entry.label}: not graded: {why} (an nbgrader course holds "
                              f"submitted/<student>/{assignment}/).")
        return []
    return from_nbgrader(submitted, assignment, found, entry)


# ---- plain folders and zips ---------------------------------------------------------------------
def is_submission_folder(folder: Path) -> bool:
    return any(folder.glob("*.py")) or any(folder.glob("*.ipynb"))


def _plain(paths: list[Path]) -> list[Submission]:
    names = [p.stem if p.suffix.lower() == ".zip" else (p.name or str(p)) for p in paths]
    names = ["__".join([p.parent.name, n]) if names.count(n) > 1 else n for p, n in zip(paths, names)]
    return [Submission(safe_id(n), p) for p, n in zip(paths, names)]


IGNORED = ("is ignored: it names no one, and the upload that holds it is graded as a submission like any other. "
           "A Gradescope export is read only when given with --export, an nbgrader course with --nbgrader.")


def _metadata_in_folder(folder: Path) -> list[str]:
    """Where FOLDER holds a submission_metadata.yml or an nbgrader submitted/ folder (top, one down)."""
    out = []
    try:
        levels = [folder, *sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())[:MAX_ENTRIES]]
    except OSError:
        return out
    for level in levels:
        for name in (METADATA, "submitted"):
            if (level / name).exists():
                out.append(str(level / name))
    return out


def _metadata_in_zip(archive: Path) -> list[str]:
    """The entries of ARCHIVE named submission_metadata.yml (none when the zip is refused: staging says why)."""
    try:
        read_directory(archive)
        with zipfile.ZipFile(archive) as zf:
            return [f"{archive}:{n}" for n in zf.namelist() if PurePosixPath(n.replace("\\", "/")).name == METADATA]
    except (ZipRefused, OSError, zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, ValueError, EOFError):
        return []


def warn_ignored(paths: list[Path], found: Found) -> None:
    """A warning for every submission_metadata.yml (or submitted/ folder) inside a plain input."""
    where = []
    for path in paths:
        where += _metadata_in_zip(path) if path.is_file() else _metadata_in_folder(path)
    for w in where[:MAX_PROBLEMS]:
        found.warnings.append(f"{w} {IGNORED}")
    if len(where) > MAX_PROBLEMS:
        found.warnings.append(f"{len(where) - MAX_PROBLEMS} more such files are ignored.")


def collect_plain(path: Path, found: Found, entry: Input) -> list[Path]:
    """What a plain INPUT holds: itself (a submission), or its sub-folders and zips (a class folder)."""
    if path.is_file() and looks_like_zip(path):
        entry.kind, entry.folders = N_("submission"), 1
        warn_ignored([path], found)
        return [path]
    if not path.is_dir():
        entry.kind = NOT_READ
        found.problems.append(f"{entry.label}: {'not a folder or a .zip file' if path.exists() else 'does not exist'}; "
                              "not graded.")
        return []
    if is_submission_folder(path):
        entry.kind, entry.folders = N_("submission"), 1
        warn_ignored([path], found)
        nested = sorted(p.name for p in path.iterdir() if p.is_dir() and not p.name.startswith((".", "__"))
                        and is_submission_folder(p))
        if len(nested) >= 2:
            found.warnings.append(f"{path} has .py or .ipynb files at its top, so it is graded as one submission; "
                                  f"its {len(nested)} sub-folders with such files ({', '.join(nested[:3])}"
                                  f"{', ...' if len(nested) > 3 else ''}) are part of it. To grade each sub-folder "
                                  "as a submission, move the files at its top away.")
        return [path]
    inside = sorted(p for p in path.iterdir() if not p.name.startswith((".", "__"))
                    and (p.is_dir() or p.suffix.lower() == ".zip"))
    entry.kind, entry.folders = (N_("class folder"), len(inside)) if inside else (N_("submission"), 1)
    if (path / METADATA).exists() or (path / "submitted").is_dir() or path.name == "submitted":
        found.warnings.append(f"{path} looks like a Gradescope export or an nbgrader course; it is read "
                              "as a class folder (each sub-folder or .zip a submission, no names). Give an "
                              "export with --export PATH, a course with --nbgrader PATH.")
    warn_ignored(inside, found)
    return inside or [path]


# ---- all inputs ---------------------------------------------------------------------------------
def collect(inputs: Sequence[Path], scratch: Path, assignment: str = "rnn_bptt", *, exports: Sequence[Path] = (),
            courses: Sequence[Path] = ()) -> Found:
    """Every submission of EXPORTS (--export), COURSES (--nbgrader) and INPUTS, in that order, with
    distinct ids; per input, how many it yielded. Export zips unpack under SCRATCH."""
    found = Found()
    given: list[tuple[Input, list[Submission]]] = []
    plain: list[tuple[Input, Path]] = []
    for n, path in enumerate(map(Path, exports)):
        entry = Input(f"--export {path}")
        given.append((entry, collect_export(path, Path(scratch) / f"export-{n}", found, entry)))
    for path in map(Path, courses):
        entry = Input(f"--nbgrader {path}")
        given.append((entry, collect_nbgrader(path, assignment, found, entry)))
    for path in map(Path, inputs):
        entry = Input(str(path))
        given.append((entry, []))
        plain += [(entry, p) for p in collect_plain(path, found, entry)]
    for (entry, _path), sub in zip(plain, _plain([p for _entry, p in plain])):
        next(subs for e, subs in given if e is entry).append(sub)
    unique, seen = [], set()
    for entry, subs in given:
        again = 0
        for s in subs:
            key = s.path.resolve()
            if key in seen:
                again += 1
                continue
            seen.add(key)
            unique.append(s)
            entry.submissions += 1
        if again:
            found.problems.append(f"{entry.label}: {again} of its submissions were given by an earlier input too; "
                                  "each is graded once.")
        if entry.submissions == 0 and not any(p.startswith(f"{entry.label}: ") for p in found.problems):
            found.problems.append(f"{entry.label}: yielded no submission to grade.")
        found.inputs.append(entry)
    found.submissions = [Submission(i, s.path, s.people) for i, s in zip(distinct([s.id for s in unique]), unique)]
    return found
