"""`python -m autograder notebook --output DIR [--assignment NAME]`: the nbgrader *source* notebook
of an assignment that declares a notebook layout (Assignment.notebook).

The notebook (DIR/<assignment>.ipynb, nbformat 4, written with the json module) holds:
- the handout, one Markdown cell per "## N." section;
- a read-only setup cell: the public self-check's helpers and tests (the stubs folder's
  test_selfcheck.py, with `load` reading the notebook's own functions) and `autograder_score`,
  which grades the notebook's functions with the real grader in a separate process;
- one solution cell per student file: the stub's signature and docstring, the reference body
  between `### BEGIN SOLUTION` / `### END SOLUTION` (module-level helpers of the reference are
  nested inside the functions that use them, because nbgrader turns a cleared region into
  `raise NotImplementedError()`, which must not run at module level);
- one autograded test cell per student function, worth its points in the points table: the
  self-check tests of that function run visibly, then, between `### BEGIN HIDDEN TESTS` /
  `### END HIDDEN TESTS`, the grader's score for that function, output as nbgrader partial credit.

The grader sees the notebook as the assignment's files: every function defined in the notebook
(by inspect.getsource), with the notebook's module imports and plain constants, is written to
each of them, and `python -m autograder grade` runs on them once per distinct source (the result
is cached), so the same notebook gets the same score.
"""
from __future__ import annotations

import ast
import json
import re
import textwrap
from pathlib import Path

from autograder.assignment import BUILTIN_DIR, Assignment, builtin_names, load
from autograder.i18n import N_, _, current, in_language

ROOT = Path(__file__).resolve().parents[1]

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"

RUNNER = '''

# ---------------------------------------------------------------------------------------------
# The grader (used by the hidden tests): your notebook's functions, graded in another process.
# ---------------------------------------------------------------------------------------------
def notebook_module_source():
    """One module holding every function defined in this notebook, its imports and constants."""
    import ast as _ast
    import inspect as _inspect
    import types as _types
    imports, constants, functions = [], [], []
    for name, value in list(globals().items()):
        if name.startswith("_") or name in ("In", "Out", "exit", "quit", "get_ipython"):
            continue
        if isinstance(value, _types.ModuleType):
            imports.append(f"try:\\n    import {value.__name__} as {name}\\nexcept ImportError:\\n    pass")
        elif _inspect.isfunction(value) and value.__module__ == __name__:
            if value.__code__.co_filename != _SETUP_FILE:
                try:
                    functions.append(_inspect.getsource(value))
                except (OSError, TypeError):
                    pass
        elif callable(value) and isinstance(getattr(value, "__module__", None), str) and value.__module__ != __name__:
            imports.append(f"try:\\n    from {value.__module__} import {value.__name__} as {name}\\n"
                           "except ImportError:\\n    pass")
        elif name in _SETUP_NAMES:
            continue
        else:
            try:
                if _ast.literal_eval(repr(value)) == value:
                    constants.append(f"{name} = {value!r}")
            except (ValueError, SyntaxError, TypeError, RecursionError):
                pass
    return "\\n".join(imports + [""] + constants + [""] + functions)


def autograder_score(function, points):
    """(score, points, feedback) of FUNCTION from `python -m autograder grade` on this notebook."""
    import hashlib
    import json
    import os
    import subprocess
    import sys
    import tempfile
    source = notebook_module_source()
    key = hashlib.sha256(source.encode()).hexdigest()
    if key not in _GRADED:
        with tempfile.TemporaryDirectory() as tmp:
            submission = os.path.join(tmp, "submission")
            os.mkdir(submission)
            for module in _MODULES:
                with open(os.path.join(submission, module + ".py"), "w", encoding="utf-8") as f:
                    f.write(source)
            results = os.path.join(tmp, "results.json")
            run = subprocess.run([sys.executable, "-m", "autograder", "grade", submission, "--results", results,
                                  "--quiet", "--assignment", _ASSIGNMENT]
                                 + (["--lang", _LANG] if _LANG != "en" else []), capture_output=True, text=True)
            if not os.path.exists(results):
                raise RuntimeError("`python -m autograder grade` did not run in this environment (install the "
                                   "grader where nbgrader runs: pip install -e /path/to/the/grader):\\n"
                                   + run.stderr[-2000:])
            with open(results, encoding="utf-8") as f:
                graded = json.load(f)
            if (graded.get("extra_data") or {}).get("internal_error"):
                raise RuntimeError("the grader itself failed (not your code; tell your instructor):\\n"
                                   + run.stderr[-2000:])
            _GRADED[key] = graded
    tests = [t for t in _GRADED[key]["tests"]      # by the function the grader records (an older one: the name)
             if (t.get("extra_data") or {}).get("function", t["name"].split(": ", 1)[0]) == function]
    full = round(sum(t["max_score"] for t in tests), 4)
    if full != points:
        raise RuntimeError(f"the grader gives {function} {full} points but this cell is worth {points}: "
                           "regenerate the notebook with `python -m autograder notebook`.")
    _SCORED.add(function)
    score = round(sum(t["score"] for t in tests), 4)
    return score, full, "\\n\\n".join(_summary(t) for t in tests if t["score"] < t["max_score"])


def _summary(test):
    """A failed test as students may see it: its name, score, how many cases passed and the likely
    mistake; never the hidden cases' inputs or expected values."""
    keep = _KEEP
    parts = [p.split("\\n", 1)[0] if p.startswith(_KEEP[-1]) else p
             for p in test["output"].split("\\n\\n") if p.startswith(keep)]
    return "\\n".join([f"[{test['score']:g} / {test['max_score']:g}] {test['name']}"] + parts)


class self_check:
    """Runs one visible test. It fails as usual while you work; once the hidden tests of FUNCTION
    have scored it (nbgrader's autograde), a failure is printed instead, and the score counts."""

    def __init__(self, function):
        import contextlib
        import sys
        self.function = function
        self.quiet = contextlib.redirect_stderr(sys.stdout)

    def __enter__(self):
        if self.function in _SCORED:
            self.quiet.__enter__()
        return self

    def __exit__(self, kind, error, trace):
        if self.function not in _SCORED:
            return False
        self.quiet.__exit__(None, None, None)
        if error is not None:
            print(f"A public self-check test of {self.function} failed: {kind.__name__}: {error}")
        return True
'''


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


def setup_source(selfcheck_code: str, assignment: Assignment | str | None = None) -> str:
    a = load(assignment)
    names = set()
    for node in ast.parse(selfcheck_code + RUNNER).body:
        names |= _top_level_names(node)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    names |= {"fail", "load", "_SETUP_NAMES", "_SETUP_FILE", "_MODULES", "_ASSIGNMENT", "_GRADED", "_SCORED",
              "_LANG", "_KEEP"}
    preamble = (
        "# Setup: the public self-check and the grader's hook. Run this cell first; do not edit it.\n"
        "import types\n\n\n"
        "def fail(message):\n"
        '    """A failed self-check test."""\n'
        "    raise AssertionError(message)\n\n\n"
        "def load(module_name):\n"
        '    """Your notebook\'s functions stand in for the file module_name.py."""\n'
        "    return types.SimpleNamespace(**globals())\n\n\n")
    target = a.name if a.folder == BUILTIN_DIR / a.name else str(a.folder)    # what `--assignment` takes
    keep = tuple(_(p) for p in (N_("Passed "), N_("Likely mistake:"), N_("Graded with a correct "),
                                N_("No credit yet:")))
    constants = (f"\n\n_MODULES = {list(a.modules)!r}\n_ASSIGNMENT = {target!r}\n_GRADED = {{}}\n_SCORED = set()\n"
                 f"_LANG = {current()!r}\n_KEEP = {keep!r}   # the feedback's paragraphs students see, by their start\n"
                 "_SETUP_FILE = fail.__code__.co_filename   # this cell's functions are not the student's\n"
                 f"_SETUP_NAMES = frozenset({sorted(names)!r})\n")
    return preamble + selfcheck_code + RUNNER + constants


def test_cell_source(function: str, calls: list[str], points: float) -> str:
    """The hidden tests score FUNCTION first, so that a failing visible test (run next) is reported
    instead of zeroing the cell: nbgrader's points are the grader's, as for files."""
    visible = "\n".join(f"with self_check({function!r}):\n" + textwrap.indent(call, "    ") for call in calls) \
        if calls else "# (the public self-check has no test of this function)"
    return (f"# Tests of {function} ({points:g} points). Visible: the public self-check.\n"
            f"{BEGIN_HIDDEN}\n"
            f"score, full, feedback = autograder_score({function!r}, {points!r})\n"
            f"{END_HIDDEN}\n"
            f"{visible}\n"
            f"{BEGIN_HIDDEN}\n"
            f"print(feedback or 'Passed every hidden test of {function}.')\n"
            f"score  # nbgrader takes a number output by a test cell as its partial credit\n"
            f"{END_HIDDEN}\n")


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
            cells.append(_cell("code", setup_source(selfcheck_code, a), "setup",
                               {"solution": False, "grade": False, "locked": True}))
        for module in a.modules:
            if layout.after_section[module] != number:
                continue
            cells.append(_cell("code", solution_cell_source(module, a), f"{module}-solution",
                               {"solution": True, "grade": False, "locked": False}))
            for f in a.functions_in(module):
                cells.append(_cell("code", test_cell_source(f.name, calls[f.name], points[f.name]),
                                   f"test-{f.name}".replace("_", "-"),
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

Run nbgrader from this folder: `nbgrader generate_assignment rnn_bptt`, then release, collect,
`nbgrader autograde rnn_bptt` and `nbgrader generate_feedback rnn_bptt` (README: nbgrader).
"""
from nbconvert.preprocessors import Preprocessor

c = get_config()  # noqa: F821 (nbgrader defines it)


class HideTracebacks(Preprocessor):
    """An error's traceback quotes the code that raised it, hidden tests included: keep its last line."""

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return cell, resources


# The feedback students get: their code, their scores and, for each failed test, the grader's summary
# (cases passed, the likely mistake). nbgrader shows the hidden tests in feedback by default; here they
# are cleared, and so are tracebacks. The grader's summary never holds hidden inputs or expected values.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    HideTracebacks,
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
'''


@in_language
def write_course(course_dir: Path) -> list[Path]:
    """COURSE/nbgrader_config.py and COURSE/source/<assignment>/<assignment>.ipynb for every assignment."""
    course_dir = Path(course_dir)
    course_dir.mkdir(parents=True, exist_ok=True)
    config = course_dir / "nbgrader_config.py"
    config.write_text(NBGRADER_CONFIG, encoding="utf-8")
    written = [config]
    for name in notebook_assignments():
        folder = course_dir / "source" / name
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.ipynb"
        path.write_text(json.dumps(build_notebook(name), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
