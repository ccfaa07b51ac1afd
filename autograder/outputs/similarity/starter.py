"""The code every student was given, whose fingerprints never count: the stubs (and every other
.py file of the students' folder, the self-check included), the handout's code blocks, the public
helpers and every code cell of the generated notebook (its setup cell: the self-check's helpers
and the grader's hook). Each piece is fingerprinted on its own, with nothing pruned, as a
submission would be."""
from __future__ import annotations

import re

from autograder.assignment import Assignment
from autograder.outputs.similarity.intake import read_folder
from autograder.outputs.similarity.tokens import units
from autograder.outputs.similarity.winnow import fingerprints

_CODE_BLOCK = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
# What nbgrader removes from the notebook it releases to students: the solution (replaced by its
# stub line) and the hidden tests.
_RELEASED = re.compile(r"^([ \t]*)### BEGIN (SOLUTION|HIDDEN TESTS)\n.*?^[ \t]*### END \2[ \t]*$",
                       re.MULTILINE | re.DOTALL)


def released(source: str) -> str:
    """A cell of the source notebook as students receive it."""
    return _RELEASED.sub(lambda m: f"{m.group(1)}raise NotImplementedError()" if m.group(2) == "SOLUTION" else "",
                         source)


def starter_sources(assignment: Assignment) -> dict[str, str]:
    """Name -> text of each piece of starter code of ASSIGNMENT."""
    out: dict[str, str] = {}
    if assignment.stubs_dir is not None:
        out.update({f"stubs/{rel}": text for rel, text in read_folder(assignment.stubs_dir).items()})
        try:
            handout = (assignment.stubs_dir / "handout.md").read_text(encoding="utf-8")
        except OSError:
            handout = ""
        for n, block in enumerate(_CODE_BLOCK.findall(handout)):
            out[f"handout/block{n}.py"] = block
        try:
            from autograder.outputs.notebook import build_notebook

            cells = build_notebook(assignment)["cells"]
        except Exception:  # noqa: BLE001 - an assignment without a notebook layout has no notebook
            cells = []
        for n, cell in enumerate(cells):
            if cell["cell_type"] == "code":
                out[f"notebook/cell{n}.py"] = released("".join(cell["source"]))
    for name in sorted(assignment.helpers):
        try:
            out[f"helpers/{name}.py"] = "import numpy as np\n\n\n" + assignment.helper_source(name)
        except (OSError, TypeError):
            continue
    return out


def starter_hashes(assignment: Assignment) -> set[int]:
    """The fingerprints (hashes) of ASSIGNMENT's starter code."""
    graded = frozenset(f.name for f in assignment.functions)
    out: set[int] = set()
    for name, text in starter_sources(assignment).items():
        out |= {fp.hash for fp in fingerprints(units({name: text}, graded, prune=False))}
    if assignment.stubs_dir is not None:         # the stubs folder as a submission: its files call each other
        stubs = read_folder(assignment.stubs_dir)
        for prune in (True, False):
            out |= {fp.hash for fp in fingerprints(units(stubs, graded, prune=prune))}
    return out
