"""Build the autograder zip to upload to Gradescope (`python -m autograder gradescope-zip`).

The zip, unpacked by Gradescope into /autograder/source:
    setup.sh, run_autograder       at the root, executable, LF line ends (templates/)
    requirements.txt               the pinned dependencies setup.sh installs (templates/)
    gradescope.json                the settings chosen at build time (settings.py)
    fallback_results.json          a zero-score results.json that run_autograder copies if the grader fails
    autograder/**.py               the grader, with every built-in assignment's declaration
    autograder/locale/**.po        the message catalogues (read at run time; gradescope.json names the language)
    reference/<assignment>/solution/*.py   the chosen assignment's reference solution
Nothing else: no tests, no caches, no stubs. The same inputs give the same bytes (fixed dates, sorted).
It is built from a checkout of the project: the reference solution lives beside the package. An
assignment given by path is carried as autograder/assignments/<name>/ (a built-in one, in the zip).
"""
from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path

from autograder.platforms.gradescope.settings import SETTINGS_FILE, Settings

PACKAGE_DIR = Path(__file__).resolve().parents[2]     # autograder/
TEMPLATES = Path(__file__).resolve().parent / "templates"
EXECUTABLE = ("setup.sh", "run_autograder")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def lf(data: bytes) -> bytes:
    """LF line ends whatever the checkout did (a Windows checkout may have CRLF: bash rejects it)."""
    return data.replace(b"\r\n", b"\n")


def fallback_results(assignment=None, lang: str | None = None) -> bytes:
    """A valid zero-score results.json naming every test, for when the grader cannot run at all."""
    from autograder.outputs.results import to_gradescope
    from autograder.pipeline.grade import failed_report

    report = failed_report(RuntimeError("run_autograder: the grader stopped without writing results"), assignment,
                           lang=lang)
    return (json.dumps(to_gradescope(report), indent=2) + "\n").encode()


SECRET_FILE = "course_secret"     # the course secret (secret.py): the same hidden cases as `grade` gives


def contents(chosen: Settings, secret_file: Path | None = None, assignment=None) -> dict[str, bytes]:
    """Every file of the zip: archive name -> bytes. secret_file: the course secret to carry
    (default: secret.secret_path(), created there on first use). assignment: what it grades (an
    Assignment, a name or a folder; default: chosen.assignment)."""
    from dataclasses import replace

    from autograder.assignment import BUILTIN_DIR, load
    from autograder.engine.secret import PUBLIC_KEY, load_secret

    a = load(assignment or chosen.assignment)
    chosen = replace(chosen, assignment=a.name)
    files = {name: lf((TEMPLATES / name).read_bytes()) for name in (*EXECUTABLE, "requirements.txt")}
    files[SETTINGS_FILE] = chosen.to_json().encode()
    files["fallback_results.json"] = fallback_results(a, chosen.lang)
    for path in sorted([*PACKAGE_DIR.rglob("*.py"), *PACKAGE_DIR.rglob("*.po")]):
        if "__pycache__" not in path.parts:
            files[path.relative_to(PACKAGE_DIR.parent).as_posix()] = lf(path.read_bytes())
    if a.folder is not None and a.folder.resolve() != (BUILTIN_DIR / a.name).resolve():   # given by path
        for path in sorted(a.folder.rglob("*.py")):
            if "__pycache__" not in path.parts:
                name = f"autograder/assignments/{a.name}/{path.relative_to(a.folder).as_posix()}"
                files[name] = lf(path.read_bytes())
    solution = a.reference.dir.resolve()
    if not (solution.is_relative_to(PACKAGE_DIR.parent) or (a.folder and solution.is_relative_to(a.folder))):
        raise RuntimeError(f"the reference solution {solution} is neither in the project nor in the assignment's "
                           "folder, so the zip cannot carry it where the declaration looks for it")
    if solution.is_relative_to(PACKAGE_DIR.parent) and not (a.folder and solution.is_relative_to(a.folder)):
        for module in a.reference.modules:
            name = (solution / f"{module}.py").relative_to(PACKAGE_DIR.parent).as_posix()
            files[name] = lf((solution / f"{module}.py").read_bytes())
    secret = load_secret(secret_file)
    if secret.key == PUBLIC_KEY:
        raise RuntimeError(f"no course secret could be read or created: {secret.source}")
    files[SECRET_FILE] = secret.key + b"\n"
    return files


def build_zip(output: Path, chosen: Settings | None = None, secret_file: Path | None = None,
              assignment=None) -> list[str]:
    """Write the zip to OUTPUT (atomically); return the archive names in it."""
    output = Path(output)
    files = contents(chosen or Settings(), secret_file, assignment)
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=".autograder-", suffix=".zip")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in sorted(files):
                info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
                info.create_system = 3   # Unix, so that unzip applies the permissions below
                mode = 0o100755 if name in EXECUTABLE else 0o100600 if name == SECRET_FILE else 0o100644
                info.external_attr = mode << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, files[name])
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return sorted(files)
