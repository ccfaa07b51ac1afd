"""The bank of buggy gated_rnn submissions (tests/gated_rnn/bugs/) and the correct variants
(tests/gated_rnn/correct_variants/), as in part 1's tests/bug_bank.py.

Each bugs/<name>.py holds only the buggy function(s), written as a student would, and three
module-level constants read here without running the file:
- BUG_FILE: the student file it goes into ("lstm", "gru" or "truncated");
- BUG_BREAKS: the student function(s) it breaks (only these may differ from the reference);
- BUG_CODES: the misconception codes (autograder/assignments/gated_rnn/diagnosis/) whose model
  reproduces it (empty for bugs beyond the catalogue).

build_source() appends the bug file to the reference's BUG_FILE.py, so its definitions override
the reference's, as a student's own would; build_submission() writes such a folder for the
grading engine, once gated_rnn is wired into it.
"""
from __future__ import annotations

import ast
import shutil
from dataclasses import dataclass
from pathlib import Path

from gated_helpers import SOLUTION_DIR, module_from_source

TESTS_DIR = Path(__file__).resolve().parent
BUGS_DIR = TESTS_DIR / "bugs"
VARIANTS_DIR = TESTS_DIR / "correct_variants"
FUNCTIONS = {"lstm": ("lstm_forward", "lstm_backward", "lstm_state_jacobian"),
             "gru": ("gru_forward", "gru_backward"),
             "truncated": ("rnn_backward_truncated",)}


@dataclass(frozen=True)
class Bug:
    name: str                   # the file stem in bugs/
    path: Path
    module: str                 # BUG_FILE
    breaks: tuple[str, ...]     # BUG_BREAKS
    codes: tuple[str, ...]      # BUG_CODES
    summary: str                # first paragraph of the docstring, on one line


def read_bug(path: Path, known_codes: set[str]) -> Bug:
    """Parse one bug file (without running it) and check that its header is consistent."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    consts = {n.targets[0].id: ast.literal_eval(n.value) for n in tree.body
              if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
              and n.targets[0].id.startswith("BUG_")}
    missing = {"BUG_FILE", "BUG_BREAKS", "BUG_CODES"} - set(consts)
    if missing:
        raise ValueError(f"{path.name}: missing header constant(s) {sorted(missing)}")
    module, breaks, codes = consts["BUG_FILE"], tuple(consts["BUG_BREAKS"]), tuple(consts["BUG_CODES"])
    if module not in FUNCTIONS:
        raise ValueError(f"{path.name}: BUG_FILE {module!r} is not one of {sorted(FUNCTIONS)}")
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    for fn in breaks:
        if fn not in FUNCTIONS[module]:
            raise ValueError(f"{path.name}: {fn!r} is not a student function of {module}.py")
        if fn not in defined:
            raise ValueError(f"{path.name}: breaks {fn!r} but does not define it")
    if not breaks:
        raise ValueError(f"{path.name}: BUG_BREAKS is empty")
    unknown = [c for c in codes if c not in known_codes]
    if unknown:
        raise ValueError(f"{path.name}: codes {unknown} are not in the catalogue")
    doc = ast.get_docstring(tree) or ""
    return Bug(path.stem, path, module, breaks, codes, " ".join(doc.split("\n\n")[0].split()))


def load_bugs(known_codes: set[str]) -> list[Bug]:
    return [read_bug(p, known_codes) for p in sorted(BUGS_DIR.glob("*.py"))]


def build_source(bug: Bug) -> str:
    """The reference's BUG_FILE.py with the bug's definitions appended."""
    text = (SOLUTION_DIR / f"{bug.module}.py").read_text(encoding="utf-8")
    banner = f"\n\n# ---- student bug {bug.name} (tests/gated_rnn/bugs/{bug.path.name}) overrides the above ----\n"
    return text + banner + bug.path.read_text(encoding="utf-8")


def load_bug_module(bug: Bug):
    """The submission's module BUG_FILE with the bug in it (a fresh module object each call)."""
    return module_from_source(build_source(bug), f"gated_bug_{bug.name}")


def build_submission(bug: Bug, dest: Path) -> Path:
    """dest/ = the reference solution with the bug's definitions appended to its BUG_FILE.py."""
    dest.mkdir(parents=True, exist_ok=True)
    for src in sorted(SOLUTION_DIR.glob("*.py")):
        shutil.copyfile(src, dest / src.name)
    (dest / f"{bug.module}.py").write_text(build_source(bug), encoding="utf-8")
    return dest


def correct_variants() -> list[Path]:
    return sorted(p for p in VARIANTS_DIR.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
