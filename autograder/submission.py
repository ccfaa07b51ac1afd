"""Find the student's files in an uploaded folder and stage a clean copy for the worker.

The worker never sees the upload itself: it gets a fresh directory holding the Python files
of the folder where the expected modules live. File-level problems (missing file, ...) are
reported per module, so that each affected function can say what is wrong.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder.contract import MODULES, functions_in

MAX_FILE_BYTES = 1 << 20


@dataclass
class Staged:
    """A staged copy of the submission: dir holds <module>.py for every module found."""

    dir: Path
    found: dict[str, str] = field(default_factory=dict)           # module -> original relative path
    problems: dict[str, str] = field(default_factory=dict)        # module -> what is wrong with the file
    notes: list[str] = field(default_factory=list)                # messages for the whole submission

    def cleanup(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def expected_signatures(module: str) -> str:
    return ", ".join(f.signature for f in functions_in(module))


def stage(upload: Path) -> Staged:
    """Copy the submission's Python files into a new directory; record what is missing."""
    upload = Path(upload)
    staged = Staged(Path(tempfile.mkdtemp(prefix="rnn-submission-")))
    if not upload.is_dir():
        staged.notes.append(f"The submission folder {upload} does not exist or is not a folder.")
        for module in MODULES:
            staged.problems[module] = f"{module}.py was not found (no submission folder)."
        return staged
    for path in sorted(upload.glob("*.py")):
        if path.is_file() and not path.is_symlink() and path.stat().st_size <= MAX_FILE_BYTES:
            shutil.copyfile(path, staged.dir / path.name)
    for module in MODULES:
        if (staged.dir / f"{module}.py").is_file():
            staged.found[module] = f"{module}.py"
        else:
            staged.problems[module] = (f"{module}.py is missing from the submission. Upload it in the top folder, "
                                       f"with {expected_signatures(module)}.")
    if not staged.found:
        staged.notes.append("No file of the assignment was found: the submission is empty or the files are "
                            f"named differently. Expected {', '.join(m + '.py' for m in MODULES)}.")
    return staged
