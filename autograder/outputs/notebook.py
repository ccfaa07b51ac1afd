"""`python -m autograder notebook --output DIR [--assignment NAME]`: the nbgrader *source* notebook
of an assignment that declares a notebook layout (Assignment.notebook); `--course-dir COURSE`: a
whole nbgrader course, that notebook for each assignment and the course's nbgrader_config.py.

The notebook (DIR/<assignment>.ipynb, nbformat 4, written with the json module) holds:
- the handout, one Markdown cell per "## N." section;
- a read-only setup cell: the public self-check's helpers and tests (the stubs folder's
  test_selfcheck.py, with `load` reading the notebook's own functions);
- one solution cell per student file: the stub's signature and docstring, the reference body
  between `### BEGIN SOLUTION` / `### END SOLUTION` (module-level helpers of the reference are
  nested inside the functions that use them, because nbgrader turns a cleared region into
  `raise NotImplementedError()`, which must not run at module level);
- one autograded test cell per student function (`test_cell_id`), worth its points in the points
  table, holding that function's public self-check tests, for the student to run.

Nothing in the notebook grades: no score, secret or reference is within reach of the code that
runs in it. Under `nbgrader autograde` the course's nbgrader_config.py replaces nbgrader's Execute
step (a kernel running the student's cells as the instructor) by the grader's own step
(autograder/platforms/nbgrader_autograde.py): the notebook is not run; its code is graded by the sandboxed
engine as `python -m autograder grade` grades a notebook, and each test cell gets the grader's
score and summary of its function as its output (autograder/platforms/notebook_grades.py).
"""
from __future__ import annotations

import ast
import json
import re
import textwrap
from pathlib import Path

from autograder.assignment import BUILTIN_DIR, Assignment, builtin_names, load
from autograder.i18n import current, in_language

ROOT = Path(__file__).resolve().parents[2]     # the checkout (or the Gradescope zip's source/)

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"

class NotebookError(Exception):
    """The assignment's files are not as the notebook generator expects; the message says what."""


# ---------------------------------------------------------------------------------------------
# Reading the handout, the stubs, the reference and the self-check
# ---------------------------------------------------------------------------------------------
def _layout(a: Assignment):
    if a.notebook is None or a.stubs_dir is None or a.reference is None:
        raise NotebookError(f"assignment {a.name} declares no notebook layout, stubs or reference.")
    return a.notebook


def handout_sections(text: str, assignment: Assignment | str | None = None) -> dict[int, str]:
    """{0: introduction, 1: section 1, ...}, split before each "## N." heading (and its anchor)."""
    lines = text.splitlines(keepends=True)
    sections, current = {0: []}, 0
    for line in lines:
        heading = re.match(r"## (\d+)\.", line)
        if heading:
            anchor = sections[current][-1:]           # an <a id="section-N"></a> line goes with its heading
            if anchor and re.fullmatch(r'<a id="[^"]*"></a>\s*', anchor[0]):
                sections[current].pop()
            else:
                anchor = []
            current = int(heading.group(1))
            sections[current] = anchor
        sections[current].append(line)
    sections = {n: "".join(part) for n, part in sections.items()}
    missing = sorted(set(_layout(load(assignment)).after_section.values()) - set(sections))
    if missing:
        raise NotebookError(f"handout.md has no section(s) {missing} (headings '## N. Title' expected).")
    return sections


def _functions(path: Path) -> tuple[str, ast.Module, dict[str, ast.FunctionDef]]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    return source, tree, {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def _lines(source: str, first: int, last: int) -> str:
    return "\n".join(source.splitlines()[first - 1:last])


def _top_level_names(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, ast.Assign):
        return {t.id for t in node.targets if isinstance(t, ast.Name)}
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return {node.target.id}
    return set()


def _shown(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def solution_cell_source(module: str, assignment: Assignment | str | None = None) -> str:
    """The stub's module docstring, imports, signatures and docstrings; the reference's bodies
    between the solution delimiters, with the reference's module-level helpers nested inside."""
    a = load(assignment)
    stub_src, stub_tree, stub_defs = _functions(a.stubs_dir / f"{module}.py")
    ref_src, ref_tree, ref_defs = _functions(a.reference.dir / f"{module}.py")
    wanted = [f.name for f in a.functions_in(module)]
    for where, defs in ((_shown(a.stubs_dir), stub_defs), (_shown(a.reference.dir), ref_defs)):
        absent = [name for name in wanted if name not in defs]
        if absent:
            raise NotebookError(f"{where}/{module}.py does not define {', '.join(absent)}.")
    extras = [n for n in ref_tree.body if not isinstance(n, (ast.Import, ast.ImportFrom))
              and not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))
              and not (isinstance(n, ast.FunctionDef) and n.name in wanted)]
    extra_names = {n: _top_level_names(n) for n in extras}

    def needed(node: ast.AST, seen: list[ast.stmt]) -> list[ast.stmt]:
        used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        for extra in extras:
            if extra not in seen and extra_names[extra] & used:
                seen.append(extra)
                needed(extra, seen)
        return seen

    head = []
    for node in stub_tree.body:
        if isinstance(node, ast.FunctionDef):
            break
        head.append(_lines(stub_src, node.lineno, node.end_lineno))
    parts = [f"# {module}.py\n" + "\n".join(head)]
    for name in wanted:
        stub, ref = stub_defs[name], ref_defs[name]
        signature_and_doc = _lines(stub_src, stub.lineno, stub.body[0].end_lineno)
        body = ref.body[1:] if ast.get_docstring(ref) is not None else ref.body
        indent = " " * (body[0].col_offset)
        nested = sorted(needed(ref, []), key=lambda n: n.lineno)
        code = [textwrap.indent(_lines(ref_src, n.lineno, n.end_lineno), indent) for n in nested]
        code.append(_lines(ref_src, body[0].lineno, body[-1].end_lineno))
        parts.append(f"{signature_and_doc}\n{indent}{BEGIN_SOLUTION}\n" + "\n".join(code)
                     + f"\n{indent}{END_SOLUTION}")
    return "\n\n\n".join(parts) + "\n"


def selfcheck(assignment: Assignment | str | None = None) -> tuple[str, dict[str, list[str]]]:
    """The self-check's helpers and tests as notebook code, and the calls of each function's tests."""
    a = load(assignment)
    home = _layout(a).selfcheck_home
    path = a.stubs_dir / "test_selfcheck.py"
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    kept, kept_is_import, calls = [], [], {f.name: [] for f in a.functions}
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue                                   # the module docstring
        if isinstance(node, (ast.Import, ast.ImportFrom)) and any(
                a.name in ("pytest", "importlib", "os", "sys") for a in node.names):
            continue
        if isinstance(node, (ast.Assign, ast.If)) and "HERE" in ast.unparse(node):
            continue                                   # where the student files are: here, the notebook
        if isinstance(node, ast.FunctionDef) and node.name == "load":
            continue
        kept.append(_lines(source, node.lineno, node.end_lineno))   # without decorators
        kept_is_import.append(isinstance(node, (ast.Import, ast.ImportFrom)))
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            if node.name not in home:
                raise NotebookError(f"test_selfcheck.py's {node.name} has no test cell: add it to "
                                    f"SELFCHECK_HOME in the notebook layout of {a.name}.")
            calls[home[node.name]].append(_call(node, source))
    code = "".join(("\n" if kept_is_import[i] and kept_is_import[i - 1] else "\n\n\n") * (i > 0) + text
                   for i, text in enumerate(kept)).replace("pytest.fail(", "fail(")
    if "pytest" in code.replace("`pytest", ""):
        raise NotebookError("test_selfcheck.py uses a pytest feature the notebook cannot run "
                            "(only pytest.fail and pytest.mark.parametrize are supported).")
    return code, calls


def _call(test: ast.FunctionDef, source: str) -> str:
    for deco in test.decorator_list:
        if isinstance(deco, ast.Call) and ast.unparse(deco.func) == "pytest.mark.parametrize":
            names = [n.strip() for n in ast.literal_eval(deco.args[0]).split(",")]
            values = ast.get_source_segment(source, deco.args[1])
            values = " ".join(line.strip() for line in values.splitlines())
            star = "*" if len(names) > 1 else ""
            return f"for params in {values}:\n    {test.name}({star}params)"
    return f"{test.name}()"


# ---------------------------------------------------------------------------------------------
# The notebook
# ---------------------------------------------------------------------------------------------
def _cell(kind: str, source: str, cell_id: str, nbgrader: dict | None = None) -> dict:
    cell = {"cell_type": kind, "id": cell_id, "metadata": {}, "source": source.splitlines(keepends=True)}
    if nbgrader is not None:
        cell["metadata"]["nbgrader"] = {"grade_id": cell_id, "schema_version": 3, **nbgrader}
    if kind == "code":
        cell["execution_count"] = None
        cell["outputs"] = []
    return cell


def function_points(assignment: Assignment | str | None = None) -> dict[str, float]:
    a = load(assignment)
    points = a.function_points()
    if round(sum(points.values()), 4) != a.total:
        raise NotebookError(f"the points of the functions sum to {sum(points.values())}, not {a.total}.")
    return points


def grader_target(assignment: Assignment | str | None = None) -> str:
    """What `--assignment` takes for ASSIGNMENT: a built-in's name, else its folder."""
    a = load(assignment)
    return a.name if a.folder == BUILTIN_DIR / a.name else str(a.folder)


def test_cell_id(function: str) -> str:
    """The nbgrader id (grade_id) of FUNCTION's test cell: "test-" and the name with hyphens for underscores."""
    return f"test-{function}".replace("_", "-")


def setup_source(selfcheck_code: str) -> str:
    """The setup cell: the public self-check's helpers and tests, reading the notebook's functions."""
    preamble = (
        "# Setup: the public self-check. Run this cell first; do not edit it.\n"
        "import types\n\n\n"
        "def fail(message):\n"
        '    """A failed self-check test."""\n'
        "    raise AssertionError(message)\n\n\n"
        "def load(module_name):\n"
        '    """Your notebook\'s functions stand in for the file module_name.py."""\n'
        "    return types.SimpleNamespace(**globals())\n\n\n")
    return preamble + selfcheck_code + "\n"


def test_cell_source(function: str, calls: list[str], points: float) -> str:
    """FUNCTION's test cell: its public self-check tests, for the student. Autograde does not run it:
    the grader writes the cell's output (its score and summary) from the sandboxed engine."""
    visible = "\n".join(calls) if calls else "# (the public self-check has no test of this function)"
    return (f"# Tests of {function} ({points:g} points): its public self-check, for you to run.\n"
            "# When your notebook is graded it is not run: the grader reads the code of your cells, runs\n"
            f"# the hidden tests on your functions in its sandbox, and writes the score of {function}\n"
            "# and a summary of its failed checks here.\n"
            f"{visible}\n")


def build_notebook(assignment: Assignment | str | None = None) -> dict:
    a = load(assignment)
    layout = _layout(a)
    sections = handout_sections(handout_path(a).read_text(encoding="utf-8"), a)
    selfcheck_code, calls = selfcheck(a)
    points = function_points(a)
    cells = [_cell("markdown", sections[0].rstrip() + "\n\n" + layout.note, "handout-intro")]
    for number in sorted(n for n in sections if n > 0):
        cells.append(_cell("markdown", sections[number].rstrip() + "\n", f"handout-section-{number}"))
        if number == 1:
            cells.append(_cell("code", setup_source(selfcheck_code), "setup",
                               {"solution": False, "grade": False, "locked": True}))
        for module in a.modules:
            if layout.after_section[module] != number:
                continue
            cells.append(_cell("code", solution_cell_source(module, a), f"{module}-solution",
                               {"solution": True, "grade": False, "locked": False}))
            for f in a.functions_in(module):
                cells.append(_cell("code", test_cell_source(f.name, calls[f.name], points[f.name]),
                                   test_cell_id(f.name),
                                   {"solution": False, "grade": True, "locked": True,
                                    "points": points[f.name]}))
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "file_extension": ".py", "mimetype": "text/x-python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def handout_path(a: Assignment) -> Path:
    """The handout in the current language (handout.<lang>.md) when there is one, else handout.md."""
    own = a.stubs_dir / f"handout.{current()}.md"
    return own if own.is_file() else a.stubs_dir / "handout.md"


@in_language
def write_notebook(output: Path, assignment: Assignment | str | None = None) -> Path:
    """Write OUTPUT/<assignment>.ipynb; return its path."""
    a = load(assignment)
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    path = output / f"{a.name}.ipynb"
    path.write_text(json.dumps(build_notebook(a), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# An nbgrader course
# ---------------------------------------------------------------------------------------------
def notebook_assignments() -> list[str]:
    """The built-in assignments that declare a notebook layout: an nbgrader course holds each."""
    return [name for name in builtin_names() if load(name).notebook is not None]


NBGRADER_CONFIG = '''\
"""nbgrader's configuration of this course (written by `python -m autograder notebook --course-dir`).

Run nbgrader from this folder: `nbgrader generate_assignment ASSIGNMENT`, then release, collect,
`nbgrader autograde ASSIGNMENT`, `nbgrader generate_feedback ASSIGNMENT` and `nbgrader export`
(README: Notebooks, "An nbgrader course").

`nbgrader autograde` runs no notebook here. nbgrader's Execute step, which would run each student's
cells in a Jupyter kernel as you (able to set its own scores, read the course secret and the
reference, and change the gradebook), is replaced by the grader's GradeInSandbox: in nbgrader's
own process it grades the notebook's code as `python -m autograder grade` does (the cells parsed,
never run; the functions run only in the grader's sandboxed worker) and writes each test cell's
score and summary, which nbgrader records and shows in the feedback as usual.

This file must not fail: nbgrader ignores a configuration file that raises, and its default would
run the students' code. Until the grader's step is in place, autograde stops and runs nothing.
"""
from nbgrader.preprocessors import NbGraderPreprocessor

c = get_config()  # noqa: F821 (nbgrader defines it)


class NotConfigured(NbGraderPreprocessor):
    """Autograde's only step until the grader's is in place (below): it stops, and runs nothing."""

    why = "the grader's autograde step is not configured"

    def preprocess(self, nb, resources):
        raise RuntimeError(f"not autograded, and no notebook was run: {self.why}. Install the grader where "
                           "nbgrader runs (pip install -e '/path/to/the/grader[notebook]') and run nbgrader "
                           "from the course folder.")


c.Autograde.autograde_preprocessors = [NotConfigured]
try:
    from autograder.platforms.nbgrader_autograde import autograde_preprocessors

    c.Autograde.autograde_preprocessors = autograde_preprocessors()
    # nbgrader's assignment id -> the grader's assignment (`--assignment` of `python -m autograder grade`)
    c.GradeInSandbox.assignments = ASSIGNMENTS
    c.GradeInSandbox.lang = LANG   # the feedback's language (en, vi)
    # c.GradeInSandbox.secret_file = "/path/to/course-secret"   # default: as for `python -m autograder grade`
except Exception as exc:  # noqa: BLE001 - any failure leaves NotConfigured in place
    NotConfigured.why = f"the grader's autograde step could not be set up ({type(exc).__name__}: {exc})"
'''


def nbgrader_config(assignments: dict[str, str], lang: str | None = None) -> str:
    """The course's nbgrader_config.py. assignments: nbgrader's assignment id -> the grader's;
    lang: the feedback's language (default: the current one)."""
    return (NBGRADER_CONFIG.replace("ASSIGNMENTS\n", repr(dict(assignments)) + "\n")
            .replace("= LANG ", f"= {(lang or current())!r} "))


@in_language
def write_course(course_dir: Path) -> list[Path]:
    """COURSE/nbgrader_config.py and COURSE/source/<assignment>/<assignment>.ipynb for every assignment."""
    course_dir = Path(course_dir)
    course_dir.mkdir(parents=True, exist_ok=True)
    names = notebook_assignments()
    config = course_dir / "nbgrader_config.py"
    config.write_text(nbgrader_config({name: grader_target(name) for name in names}), encoding="utf-8")
    written = [config]
    for name in names:
        folder = course_dir / "source" / name
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.ipynb"
        path.write_text(json.dumps(build_notebook(name), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
