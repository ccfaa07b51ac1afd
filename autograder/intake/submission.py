"""Find the student's files in an upload and stage a clean copy for the worker.

The worker never sees the upload itself: it gets a fresh directory holding <module>.py for
every expected module found, plus the student's own helper modules. Small stages:

- unpack:    a .zip upload (or, when no file of the assignment is found otherwise, the .zip
             files inside the uploaded folder) is unpacked into a temporary folder, safely.
             Before zipfile sees it, the zip's own records are sized up (ziplimits: at most
             5,000 entries, a 4 MB list of files), else it is refused with a message. Then, per
             entry: no absolute or ".." paths, no links, no junk folders (virtual environments,
             __MACOSX...), at most MAX_DEPTH folders deep, at most 1 MB per file and 32 MB in all.
             Zips are opened one level deep only: a zip inside an unpacked zip stays packed.
- survey:    the upload's files, skipping junk: __MACOSX, dotfiles (AppleDouble "._x.py"),
             __pycache__, virtual environments, site-packages. At most MAX_ENTRIES entries
             are looked at (the top folder first); past that a note says so.
- locate:    the file of each module. What is graded, in order of preference:
               1. the exact name, rnn.py;
               2. the name in another case, RNN.py (a note asks to rename it);
               3. the name plus a copy suffix that a browser or file manager adds:
                  "rnn (1).py", "rnn(2).py", "rnn-1.py", "rnn 2.py", "rnn copy.py",
                  "rnn - Copy.py", "rnn - Copy (2).py" (a note asks to rename it).
             Other look-alikes (rnn_final.py, my_rnn.py, rnn.py.txt) are never graded, because
             the student may have meant something else by them; the message for the missing
             file names them and says to rename. A module with no .py file is taken from the
             upload's Jupyter notebooks, parsed, never run (rules: notebook_submission.py). Files are looked
             for in the folder that holds most of the expected files (the upload itself, or a
             zipped folder inside it), then anywhere else. Several equally good candidates with
             different contents are ambiguous: that module is not graded, and the message lists
             them and says which name to keep.
- normalise: the bytes Python is to read. UTF-8 BOM and CRLF/CR line ends are accepted
             silently (Python accepts them too). A PEP 263 coding line is honoured. Bytes that
             are not UTF-8 (a Windows editor's é or ’, anywhere in the file) are read as
             Windows-1252 characters, and a note says so; UTF-16 files are converted, with a
             note. Tabs are left alone: inconsistent tabs and spaces are Python's own TabError,
             reported as a syntax error of that file. A notebook saved as .py, an empty file,
             and an oversized file are problems of that module.
- stage:     the modules under their expected names, and every other importable .py file and
             package (a folder with __init__.py) beside them, so that a student's own helper
             module works as it did on their machine. At most MAX_STAGED_FILES files of at most
             MAX_STAGED_BYTES in all are staged: every staged file is in the digest that seeds the
             hidden cases (canonical.py), so an upload over either limit is refused as a whole,
             with a message naming what to remove, and never staged in part.
"""
from __future__ import annotations

import codecs
import io
import os
import re
import shutil
import stat
import tempfile
import tokenize
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from autograder import i18n
from autograder.assignment import Assignment, load
from autograder.intake import notebook_submission
from autograder.intake.ziplimits import ZipRefused, looks_like_zip, read_directory

MAX_FILE_BYTES = 1 << 20          # largest source file read (bytes)
MAX_ENTRIES = 5000                # files and folders looked at in one upload
MAX_DEPTH = 8                     # folder depth searched
MAX_UNPACKED_BYTES = 32 << 20     # total bytes unpacked from zip files
MAX_ZIPS = 3                      # zip files inside a folder that are unpacked
MAX_NAME_CHARS = 1024             # longest path of a zip entry that is unpacked
MAX_LISTED = 6                    # names listed in one message
MAX_STAGED_FILES = 400            # files staged for the worker: the modules and their helpers
MAX_STAGED_BYTES = MAX_UNPACKED_BYTES   # bytes of those files together

JUNK_DIRS = {"__macosx", "__pycache__", "site-packages", "node_modules"}

# " (1)", "(1)", "-1", " 1", " copy", " copy 2", " - copy", " - copy (2)": what browsers and file
# managers append to a file name when a copy is made or a download already exists.
COPY_SUFFIX = re.compile(r"(?:\s*\(\d{1,3}\)|-\d{1,3}| \d{1,3}| copy(?: \d{1,3})?| - copy(?: \(\d{1,3}\))?)",
                         re.IGNORECASE)


@dataclass
class Staged:
    """A staged copy of the submission: dir holds <module>.py for every module found."""

    dir: Path
    found: dict[str, str] = field(default_factory=dict)           # module -> original relative path
    problems: dict[str, str] = field(default_factory=dict)        # module -> what is wrong with the file
    notes: list[str] = field(default_factory=list)                # messages for the whole submission
    assignment: Assignment | None = None                          # whose files (default: the default one)

    @property
    def modules(self) -> tuple[str, ...]:
        return load(self.assignment).modules

    def cleanup(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


@dataclass(frozen=True)
class Upload:
    """The files of an upload worth looking at, by relative posix path as the student knows it
    (a file inside an uploaded folder's zip is "hw.zip/hw/rnn.py")."""

    files: dict[str, Path]
    packages: frozenset[str]          # relative folders holding an __init__.py
    truncated: bool = False           # more than MAX_ENTRIES entries: only the first were looked at


@dataclass(frozen=True)
class Candidate:
    rel: str        # relative path in the upload
    tier: int       # 0 exact name, 1 other case, 2 copy suffix

    @property
    def folder(self) -> str:
        return self.rel.rpartition("/")[0]

    @property
    def depth(self) -> int:
        return self.rel.count("/")


def expected_signatures(module: str, assignment: Assignment | None = None) -> str:
    return ", ".join(f.signature for f in load(assignment).functions_in(module))


def quoted(names) -> str:
    """'a.py, "b (1).py" and c.py' (names with spaces in quotes), at most MAX_LISTED of them."""
    names = [f'"{n}"' if " " in n else n for n in names]
    if len(names) > MAX_LISTED:
        names = names[:MAX_LISTED] + [i18n._("{n} more").format(n=len(names) - MAX_LISTED)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + i18n._(" and ") + names[-1] if names else ""


# ---- unpack -------------------------------------------------------------------------------------
def _safe_member_path(name: str) -> PurePosixPath | None:
    """The entry's relative path, or None when it is not to be unpacked: absolute, "..", a drive,
    a junk folder (see survey), deeper than the survey looks, or an absurdly long name."""
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
    if (not parts or any(p == ".." for p in parts) or re.match(r"^[A-Za-z]:$", parts[0])
            or len(name) > MAX_NAME_CHARS or len(parts) > MAX_DEPTH + 1
            or any(_is_junk_name(p) for p in parts[:-1])):
        return None
    return PurePosixPath(*parts)


def member_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its zipper meant it. Without the UTF-8 flag (bit 11) the zip specification
    says cp437, which zipfile applies; but many zippers (older Windows ones among them) write UTF-8
    without setting the flag, and "Bài tập 3/" then reads "B├ái tß║¡p 3/". So a name whose bytes are
    valid UTF-8 is read as UTF-8 (cp437 text that is meant is rarely valid UTF-8 as well), any other as cp437."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except UnicodeError:
        return info.filename


def unpack_zip(archive: Path, into: Path, budget: list[int]) -> str | None:
    """Unpack the regular files of ARCHIVE into INTO; return a problem or None.

    BUDGET[0]: bytes that may still be written (shared by every zip of one upload)."""
    try:
        read_directory(archive)      # refuses, before zipfile parses anything, a zip over the limits
    except ZipRefused as refused:
        return str(refused)
    try:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                rel = _safe_member_path(member_name(info))
                mode = (info.external_attr >> 16) & 0o170000
                cap = notebook_submission.MAX_NOTEBOOK_BYTES if rel and rel.suffix == ".ipynb" else MAX_FILE_BYTES
                if rel is None or info.is_dir() or mode == stat.S_IFLNK or info.file_size > cap:
                    continue
                if budget[0] < info.file_size:
                    break
                with zf.open(info) as src:
                    data = src.read(cap + 1)
                if len(data) > cap:
                    continue
                budget[0] -= len(data)
                target = into.joinpath(*rel.parts)
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
                except OSError:     # a name used both as a file and as a folder: keep the first
                    continue
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError, OSError, EOFError,
            ValueError) as exc:
        reason = i18n._("it is password-protected") if "encrypted" in str(exc) else i18n._(
            "it is damaged or not a zip file")
        return i18n._("{name} could not be unpacked: {reason}. Upload the .py files themselves, or a plain zip."
                      ).format(name=archive.name, reason=reason)
    return None


# ---- survey -------------------------------------------------------------------------------------
def _is_junk_name(name: str) -> bool:
    return name.startswith(".") or name.lower() in JUNK_DIRS or name.lower().startswith("venv")


def _is_junk_dir(path: Path) -> bool:
    return _is_junk_name(path.name) or (path / "pyvenv.cfg").exists()


def survey(root: Path, prefix: str = "") -> Upload:
    """Every non-junk regular file under ROOT (bounded in count and depth), by PREFIX/relative path.

    Links are skipped, so nothing outside the upload is ever read.
    """
    files: dict[str, Path] = {}
    packages = set()
    pending = [(root, prefix)]
    seen = 0
    while pending:
        folder, rel = pending.pop(0)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            seen += 1
            if seen > MAX_ENTRIES:
                return Upload(files, frozenset(packages), truncated=True)
            # a name that is not valid UTF-8 is shown with U+FFFD (and is never an importable module)
            name = entry.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            child_rel = f"{rel}/{name}" if rel else name
            try:
                if entry.is_symlink():
                    continue
                if entry.is_dir():
                    if not _is_junk_dir(Path(entry.path)) and child_rel.count("/") < MAX_DEPTH:
                        pending.append((Path(entry.path), child_rel))
                elif entry.is_file() and not name.startswith((".", "~$")):
                    files[child_rel] = Path(entry.path)
                    if entry.name == "__init__.py":
                        packages.add(rel)
            except OSError:
                continue
    return Upload(files, frozenset(packages))


# ---- locate -------------------------------------------------------------------------------------
def name_tier(filename: str, module: str) -> int | None:
    """0: exactly module.py; 1: module.py in another case; 2: module.py plus a copy suffix."""
    stem, dot, ext = filename.rpartition(".")
    if not dot or ext.lower() != "py":
        return None
    if stem == module and ext == "py":
        return 0
    if stem.lower() == module:
        return 1
    if stem.lower().startswith(module) and COPY_SUFFIX.fullmatch(stem[len(module):]):
        return 2
    return None


def candidates(upload: Upload, module: str) -> list[Candidate]:
    out = []
    for rel in upload.files:
        tier = name_tier(PurePosixPath(rel).name, module)
        if tier is not None:
            out.append(Candidate(rel, tier))
    return out


def home_folders(found: dict[str, list[Candidate]]) -> set[str]:
    """The folder(s) holding the most expected modules; the shallowest ones on a tie."""
    count: dict[str, int] = {}
    for cands in found.values():
        for folder in {c.folder for c in cands}:
            count[folder] = count.get(folder, 0) + 1
    if not count:
        return set()
    best = max(count.values())
    top = [f for f, n in count.items() if n == best]
    shallowest = min(f.count("/") + (f != "") for f in top)
    return {f for f in top if f.count("/") + (f != "") == shallowest}


def look_alikes(upload: Upload, module: str) -> list[str]:
    """Files that may be the module under a name that is not graded (rnn_final.py, rnn.ipynb)."""
    out = []
    for rel in upload.files:
        name = PurePosixPath(rel).name
        if module in name.lower() and name_tier(name, module) is None:
            out.append(rel)
    return sorted(out)


def defined_elsewhere(upload: Upload, module: str, texts: dict[str, str],
                      assignment: Assignment | None = None) -> list[str]:
    """'<function> is defined in hw.py' for the module's functions found in other .py files."""
    out = []
    for fn in load(assignment).functions_in(module):
        pattern = re.compile(rf"^\s*def\s+{fn.name}\s*\(", re.MULTILINE)
        where = [rel for rel, text in texts.items() if pattern.search(text)]
        if where:
            out.append(i18n._("{function} is defined in {files}").format(function=fn.name, files=quoted(where[:2])))
    return out


def missing_message(upload: Upload, module: str, texts: dict[str, str], has_any: bool,
                    assignment: Assignment | None = None) -> str:
    lines = [i18n._("{module}.py was not found in your submission. It should define {signatures}.").format(
        module=module, signatures=expected_signatures(module, assignment))]
    hints = []
    for rel in look_alikes(upload, module):
        if not rel.lower().endswith(".ipynb"):       # notebooks are read: see notebook_submission.py
            hints.append(i18n._("{rel} may be it, but the grader only grades files named exactly {module}.py "
                                "(or a download copy such as \"{module} (1).py\"): rename it to {module}.py."
                                ).format(rel=rel, module=module))
    elsewhere = defined_elsewhere(upload, module, texts, assignment)
    if elsewhere:
        hints.append("; ".join(elsewhere) + i18n.ngettext(
            ", but the grader looks for it in {module}.py only: move it there.",
            ", but the grader looks for them in {module}.py only: move them there.", len(elsewhere)
        ).format(module=module))
    zips = [rel for rel in upload.files if rel.lower().endswith(".zip")]
    if zips and has_any:
        hints.append(i18n._("The grader does not look inside {zips} when other files of the assignment are "
                            "uploaded beside it: upload the .py files themselves.").format(zips=quoted(zips)))
    lines += hints[:3]
    if not hints and has_any:
        lines.append(i18n._("Upload {module}.py next to your other files.").format(module=module))
    return " ".join(lines)


# ---- normalise ----------------------------------------------------------------------------------
def _cp1252_fallback(err: UnicodeDecodeError):
    bad = err.object[err.start:err.end]
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in bad), err.end


codecs.register_error("autograder-cp1252", _cp1252_fallback)


def normalise(data: bytes, name: str) -> tuple[bytes | None, str | None, str | None]:
    """(bytes for Python to read, a note, a problem): see the module docstring."""
    note = None
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)) and b"\x00\x00" in data[:4]:
        return None, None, i18n._("{name} is saved as UTF-32, which Python cannot read: save it as UTF-8.").format(
            name=name)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeError:
            return None, None, i18n._("{name} could not be read as UTF-16 text: save it as UTF-8 and upload it "
                                      "again.").format(name=name)
        note = i18n._("{name} was saved as UTF-16 and was converted to UTF-8 for grading; save your files as "
                      "UTF-8.").format(name=name)
    if b"\x00" in data:
        return None, None, i18n._("{name} contains NUL bytes, so it is not a Python source file (a document or "
                                  "binary saved under a .py name?). Upload the plain-text {name}.").format(name=name)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        encoding = "utf-8"      # an unknown coding line: Python reports it as a syntax error
    if encoding not in ("utf-8", "utf-8-sig"):
        try:
            data.decode(encoding)
            return data, note, None        # a valid PEP 263 coding line: Python reads it as declared
        except (UnicodeError, LookupError):
            pass
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="autograder-cp1252")
        lines = sorted({i + 1 for i, line in enumerate(data.split(b"\n")) if not _is_utf8(line)})
        where = ", ".join(str(n) for n in lines[:5]) + (", ..." if len(lines) > 5 else "")
        note = i18n.ngettext("{name} is not valid UTF-8 (line {where}): those bytes were read "
                             "as Windows-1252 characters (such as é or ’). Save your files as UTF-8 so that they run "
                             "as you meant them.",
                             "{name} is not valid UTF-8 (lines {where}): those bytes were read "
                             "as Windows-1252 characters (such as é or ’). Save your files as UTF-8 so that they run "
                             "as you meant them.", len(lines)).format(name=name, where=where)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return None, None, i18n._("{name} is empty.").format(name=name)
    head = text.lstrip()[:2000]
    if head.startswith("{") and '"cells"' in head and '"nbformat"' in text:
        return None, None, i18n._("{name} is a Jupyter notebook saved under a .py name, not Python code. Export "
                                  "the code instead (in Jupyter: File > Download as > Python (.py)) and keep only "
                                  "the functions.").format(name=name)
    return text.encode("utf-8"), note, None


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _read(path: Path) -> bytes | None:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        with path.open("rb") as f:
            return f.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None


def _stub_texts(assignment: Assignment) -> dict[str, str]:
    out: dict[str, str] = {}
    if assignment.stubs_dir is None:
        return out
    for module in assignment.modules:
        try:
            out[module] = _canonical((assignment.stubs_dir / f"{module}.py").read_text(encoding="utf-8"))
        except OSError:
            pass
    return out


def _canonical(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().splitlines())


# ---- stage --------------------------------------------------------------------------------------
def stage(upload: Path, assignment: Assignment | str | None = None, into: Path | None = None) -> Staged:
    """Copy the submission's Python files (ASSIGNMENT's modules) into a new directory, or into INTO,
    an empty one made for it (sandbox/early.Prestart); record what is missing or odd."""
    upload = Path(upload)
    folder = Path(into) if into is not None else Path(tempfile.mkdtemp(prefix="rnn-submission-"))
    staged = Staged(folder, assignment=load(assignment))
    scratch = Path(tempfile.mkdtemp(prefix="rnn-unpack-"))
    try:
        files = find_files(staged, upload, scratch)
        if files is not None:
            locate_and_copy(staged, files)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return staged


def _nothing_there(staged: Staged, message: str) -> None:
    staged.notes.append(message)
    for module in staged.modules:
        staged.problems[module] = i18n._("{module}.py was not found. {message}").format(module=module, message=message)


def find_files(staged: Staged, upload: Path, scratch: Path) -> Upload | None:
    """The upload's files: a folder's, a zip's, or (when the folder has none of the expected files)
    those of the zip files inside the folder. None when there is nothing to look at."""
    budget = [MAX_UNPACKED_BYTES]
    if upload.is_file() and looks_like_zip(upload):
        problem = unpack_zip(upload, scratch / "zip", budget)
        if problem:
            _nothing_there(staged, problem)
            return None
        return survey(scratch / "zip")
    if not upload.is_dir():
        _nothing_there(staged, (i18n._("The submission {upload} is not a folder or a .zip file.") if upload.exists()
                                else i18n._("The submission {upload} does not exist.")).format(upload=upload))
        return None
    files = survey(upload)
    if any(candidates(files, m) for m in staged.modules) or has_notebook(files):
        return files
    zips = sorted(rel for rel in files.files if rel.lower().endswith(".zip"))[:MAX_ZIPS]
    inner: dict[str, Path] = {}
    packages: set[str] = set()
    for i, rel in enumerate(zips):
        problem = unpack_zip(files.files[rel], scratch / f"z{i}", budget)
        if problem:
            staged.notes.append(problem)
            continue
        unpacked = survey(scratch / f"z{i}", prefix=rel)
        inner.update(unpacked.files)
        packages |= unpacked.packages
    zipped = Upload(inner, frozenset(packages))
    if any(candidates(zipped, m) for m in staged.modules) or has_notebook(zipped):
        staged.notes.append(i18n._("Your files were found inside {zips} and graded from there.").format(
            zips=quoted(zips)))
        return zipped
    return files


def has_notebook(upload: Upload) -> bool:
    return any(rel.lower().endswith(".ipynb") for rel in upload.files)


def locate_and_copy(staged: Staged, upload: Upload) -> None:
    """Choose each module's file (see the module docstring), normalise it and write it to staged.dir."""
    if upload.truncated:
        staged.notes.append(f"Your submission holds more than {MAX_ENTRIES:,} files and folders: only the first "
                            f"{MAX_ENTRIES:,} (the top folder first, in order of name) were looked at. Upload only "
                            "the files of the assignment and those they import.")
    found = {m: candidates(upload, m) for m in staged.modules}
    homes = home_folders(found)
    notebooks = notebook_submission.read_notebooks(upload.files, staged.assignment)
    stubs = _stub_texts(load(staged.assignment)) if notebooks else {}
    chosen: dict[str, Candidate] = {}
    replaced: dict[str, list[str]] = {}          # notebook -> the stubs it was graded in place of
    texts: dict[str, str] = {}
    for module in staged.modules:
        cands = found[module]
        pool = [c for c in cands if c.folder in homes] or cands
        if not pool:
            if from_notebooks(staged, module, notebooks):
                continue
            texts = texts or _python_texts(upload)
            staged.problems[module] = " ".join(filter(None, (
                missing_message(upload, module, texts, any(found.values()) or bool(notebooks), staged.assignment),
                notebook_submission.absent_reason(module, notebooks, staged.assignment))))
            continue
        best_key = min((c.tier, c.depth) for c in pool)
        ties = sorted((c for c in pool if (c.tier, c.depth) == best_key), key=lambda c: c.rel)
        if len({_read(upload.files[c.rel]) for c in ties}) > 1:
            why = i18n._("different folders") if len({c.folder for c in ties}) > 1 else i18n._("the same folder")
            staged.problems[module] = i18n._(
                "{module}.py was not graded: the grader found {files} in {why}, with "
                "different contents, and cannot tell which one you mean. Keep only one of them, named {module}.py."
            ).format(module=module, files=quoted(c.rel for c in ties), why=why)
            continue
        cand = ties[0]
        data = _read(upload.files[cand.rel])
        if data is None:
            staged.problems[module] = i18n._("{rel} is larger than {mb} MB or unreadable, so it "
                                             "was not graded: a source file of this assignment is far smaller."
                                             ).format(rel=cand.rel, mb=MAX_FILE_BYTES >> 20)
            continue
        source, note, problem = normalise(data, cand.rel)
        if problem:
            staged.problems[module] = problem + " " + i18n._("It should define {signatures}.").format(
                signatures=expected_signatures(module, staged.assignment))
            continue
        if module in stubs and _canonical(source.decode("utf-8", "replace")) == stubs[module]:
            origin = stub_replaced(staged, module, notebooks)
            if origin:
                replaced.setdefault(origin, []).append(cand.rel)
                continue
        if note:
            staged.notes.append(note)
        if cand.tier == 1:
            staged.notes.append(i18n._("{rel} was graded as {module}.py. Name it exactly {module}.py (file names "
                                       "are case-sensitive on the grader).").format(rel=cand.rel, module=module))
        elif cand.tier == 2:
            staged.notes.append(i18n._('"{rel}" was graded as {module}.py (the end of its name looks like a copy '
                                       "or download suffix). Name it exactly {module}.py.").format(rel=cand.rel,
                                                                                                   module=module))
        (staged.dir / f"{module}.py").write_bytes(source)
        staged.found[module] = cand.rel
        chosen[module] = cand
        shadowed = notebook_submission.shadowed_by_file(module, cand.rel, source.decode("utf-8", "replace"), notebooks,
                                                        staged.assignment)
        if shadowed:
            staged.notes.append(shadowed)
    for notebook, rels in replaced.items():
        staged.notes.append(i18n.ngettext(
            "{files} is still the stub as handed out, unchanged, so its functions were taken from {notebook}, "
            "which defines them. Upload only the notebook, or only your own .py files, to be sure which is graded.",
            "{files} are still the stubs as handed out, unchanged, so their functions were taken from {notebook}, "
            "which defines them. Upload only the notebook, or only your own .py files, to be sure which is graded.",
            len(rels)).format(files=quoted(rels), notebook=notebook))
    folders = sorted({c.folder for c in chosen.values()}
                     | {nb.path.rpartition("/")[0] for nb in notebooks if nb.path in staged.found.values()},
                     key=lambda f: (f not in homes, f))
    nested = [f"{f}/" for f in folders if f]
    if nested:
        staged.notes.append((i18n._("Your files were found in {folders} and in the top folder and graded from there.")
                             if "" in folders else i18n._("Your files were found in {folders} and graded from there.")
                             ).format(folders=quoted(nested)))
    helpers = helper_files(staged, upload, folders)
    extra = notebook_helper_files(staged, notebooks, set(helpers))
    refusal = too_many_files(staged, helpers, extra)
    if refusal:
        refuse(staged, refusal)
        return
    copy_helpers(staged, helpers)
    for name, text in extra.items():
        (staged.dir / name).write_text(text, encoding="utf-8")
    summarise(staged, upload, any(found.values()) or bool(staged.found))


def from_notebooks(staged: Staged, module: str, notebooks: list[notebook_submission.NotebookCode]) -> bool:
    """Stage MODULE from the upload's notebooks (see notebook_submission.py); False when none gives it."""
    choice = notebook_submission.choose(module, notebooks, staged.assignment)
    if choice.problem:
        staged.problems[module] = choice.problem
    if choice.text is None:
        return bool(choice.problem)
    (staged.dir / f"{module}.py").write_text(choice.text, encoding="utf-8")
    staged.found[module] = choice.origin
    used = next(nb for nb in notebooks if nb.path == choice.origin)
    staged.notes += [n for n in used.notes + [choice.note] if n and n not in staged.notes]
    return True


def stub_replaced(staged: Staged, module: str, notebooks: list[notebook_submission.NotebookCode]) -> str:
    """Stage MODULE, whose .py file is the stub as handed out, from the notebooks when one gives it
    (without ambiguity): the notebook's path; "" when none does (the stub is graded)."""
    choice = notebook_submission.choose(module, notebooks, staged.assignment)
    if choice.text is None or choice.problem:
        return ""
    from_notebooks(staged, module, notebooks)
    return choice.origin


def notebook_helper_files(staged: Staged, notebooks: list[notebook_submission.NotebookCode],
                          taken: set[str]) -> dict[str, str]:
    """Files written by %%writefile cells of the notebooks used, other than the modules and the
    helper files TAKEN (staged name -> text): helper modules."""
    taken = taken | {f"{m}.py" for m in staged.modules}
    out: dict[str, str] = {}
    for nb in notebooks:
        if nb.path not in staged.found.values():
            continue
        for name, text in nb.files.items():
            if name not in taken and name not in out and name.endswith(".py") and name[:-3].isidentifier():
                out[name] = text
    return out


def _python_texts(upload: Upload) -> dict[str, str]:
    texts = {}
    for rel, path in sorted(upload.files.items()):
        if rel.lower().endswith(".py") and len(texts) < 200:
            data = _read(path)
            if data is not None:
                texts[rel] = data.decode("utf-8", errors="replace")
    return texts


def helper_files(staged: Staged, upload: Upload, folders: list[str]) -> dict[str, Path]:
    """Every importable .py file and package in the modules' folders, by the name it is staged
    under (its path inside its folder) -> the upload's file; the first folder wins a name.

    The expected modules' names are never used for a helper (a module not graded stays absent).
    """
    taken = {f"{m}.py" for m in staged.modules} | set(staged.modules)
    chosen = set(staged.found.values())
    out: dict[str, Path] = {}
    for folder in folders:
        prefix = f"{folder}/" if folder else ""
        for rel, path in sorted(upload.files.items()):
            inner = rel[len(prefix):] if rel.startswith(prefix) else ""
            parts = inner.split("/")
            if (not inner.endswith(".py") or parts[0] in taken or rel in chosen
                    or not parts[-1][:-3].isidentifier()):
                continue
            if len(parts) > 1 and not (f"{prefix}{parts[0]}" in upload.packages
                                       and all(p.isidentifier() for p in parts[:-1])):
                continue
            out.setdefault(inner, path)
    return out


def copy_helpers(staged: Staged, helpers: dict[str, Path]) -> None:
    """Write HELPERS (staged name -> the upload's file) into staged.dir, normalised where they can be;
    one over MAX_FILE_BYTES (or unreadable) is left out, with a note."""
    left_out = []
    for inner, path in helpers.items():
        target = staged.dir / inner
        data = _read(path)
        if data is None:
            left_out.append(inner)
        if target.exists() or data is None:
            continue
        source, _, problem = normalise(data, inner)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data if problem or source is None else source)
    if left_out:
        one = len(left_out) == 1
        staged.notes.append(f"{quoted(left_out)} {'is' if one else 'are'} larger than {MAX_FILE_BYTES >> 20} MB or "
                            f"unreadable, so {'it was' if one else 'they were'} not copied for grading: your code "
                            f"cannot import {'it' if one else 'them'}.")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def too_many_files(staged: Staged, helpers: dict[str, Path], extra: dict[str, str]) -> str | None:
    """Why the upload cannot be staged (more than MAX_STAGED_FILES files or MAX_STAGED_BYTES bytes
    with the modules already staged), or None. Counted before any helper is read."""
    count = len(staged.found) + len(helpers) + len(extra)
    size = (sum(_size(p) for p in staged.dir.iterdir()) + sum(n for n in map(_size, helpers.values())
                                                                if n <= MAX_FILE_BYTES)
            + sum(len(t.encode("utf-8")) for t in extra.values()))
    if count <= MAX_STAGED_FILES and size <= MAX_STAGED_BYTES:
        return None
    what = (f"{count} Python files" if count > MAX_STAGED_FILES
            else f"{size / (1 << 20):.1f} MB of Python files")
    limit = f"{MAX_STAGED_FILES} files" if count > MAX_STAGED_FILES else f"{MAX_STAGED_BYTES >> 20} MB"
    others = sorted(helpers) + sorted(extra)
    return (f"Your submission was not graded: it holds {what} to run (the assignment's files and {len(others)} "
            f"other .py files beside them, such as {quoted(others)}), and the grader takes at most {limit}. "
            "Every .py file and package beside your solution is copied for grading, so that your imports work: "
            "remove the files your solution does not import, and submit again.")


def refuse(staged: Staged, message: str) -> None:
    """Stage nothing: every module gets MESSAGE as its problem, and so does the submission."""
    for child in list(staged.dir.iterdir()):
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
    staged.found.clear()
    staged.problems.clear()
    staged.notes.clear()
    staged.notes.append(message)
    for module in staged.modules:
        staged.problems[module] = message


def summarise(staged: Staged, upload: Upload, any_candidate: bool) -> None:
    """Whole-submission notes: nothing found at all; the stubs as handed out."""
    if not any_candidate:
        present = sorted(upload.files)
        holds = " " + (i18n._("The submission holds: {files}.").format(files=quoted(present)) if present
                       else i18n._("The submission holds no files."))
        staged.notes.insert(0, i18n._("No file of the assignment was found, so nothing could be graded: expected "
                                      "{files} (or a Jupyter notebook that defines their functions).").format(
            files=", ".join(m + ".py" for m in staged.modules)) + holds)
        return
    stubs = _stub_texts(load(staged.assignment))
    unchanged = [m for m in staged.found if m in stubs
                 and _canonical((staged.dir / f"{m}.py").read_bytes().decode("utf-8", "replace")) == stubs[m]]
    if unchanged and len(unchanged) == len(staged.modules):
        staged.notes.insert(0, i18n._("Your files are the stubs as handed out, unchanged: every function still "
                                      "raises NotImplementedError, so the score is 0. Implement the functions (see "
                                      "the handout), check them with test_selfcheck.py, and submit again."))
    elif unchanged:
        staged.notes.append(i18n.ngettext(
            "{files} is still the stub as handed out, unchanged: implement its functions.",
            "{files} are still the stub as handed out, unchanged: implement its functions.", len(unchanged)
        ).format(files=quoted(m + ".py" for m in unchanged)))
