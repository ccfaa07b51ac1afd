"""A Jupyter notebook as a submission (autograder/intake/notebook_submission.py and its hook in submission.py).

The same code grades the same as a notebook and as files, on the bundled samples; malformed
notebooks get messages naming the notebook and the cell; the rules of the module docstring hold.
"""
from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from autograder.assignments.rnn_bptt.contract import MODULES
from autograder.intake import notebook_submission as nbs
from autograder.intake.submission import stage
from autograder.outputs import notebook as nbgrader_notebook
from autograder.outputs.escape import markdown_inline
from autograder.outputs.results import to_gradescope
from autograder.pipeline.grade import grade_submission

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "reference" / "rnn_bptt" / "solution"
BUGGY = ROOT / "reference" / "rnn_bptt" / "samples" / "buggy"
PNG = "iVBORw0KGgo" + "A" * (3 << 20)          # a 3 MB embedded plot


def cell(source: str, kind: str = "code", **metadata) -> dict:
    out = {"cell_type": kind, "metadata": metadata, "source": source.splitlines(keepends=True)}
    if kind == "code":
        out.update(outputs=[], execution_count=None)
    return out


def notebook(*cells: dict) -> dict:
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": list(cells)}


def as_student_notebook(files: Path) -> dict:
    """A student's own notebook: markdown, setup with magics and plotting, one cell per file, a
    plot with a large embedded image, and a top-level training loop."""
    cells = [cell("# RNN assignment", "markdown"),
             cell("!pip install numpy\n%matplotlib inline\nimport matplotlib.pyplot as plt\nimport numpy as np")]
    cells += [cell((files / f"{m}.py").read_text(encoding="utf-8")) for m in MODULES]
    plot = cell("xs = np.linspace(-5, 5, 101)\nplt.plot(xs, sigmoid(xs))\nplt.show()")
    plot["outputs"] = [{"output_type": "display_data", "data": {"image/png": PNG}, "metadata": {}}]
    cells += [plot, cell("for step in range(100):\n    h, y = rnn_forward(x, h0, params)\nprint('done')")]
    return notebook(*cells)


def write(folder: Path, name: str, data) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def graded(folder: Path) -> dict:
    return to_gradescope(grade_submission(folder))


def read(nb: dict | str | bytes, path: str = "hw.ipynb") -> nbs.NotebookCode:
    data = nb if isinstance(nb, bytes) else (nb if isinstance(nb, str) else json.dumps(nb)).encode("utf-8")
    return nbs.read_notebook(path, data)


# ---- the same code, the same score ------------------------------------------------------------
@pytest.mark.parametrize("files", [REFERENCE, BUGGY], ids=["reference", "buggy"])
def test_a_notebook_grades_exactly_as_its_files(files, tmp_path):
    write(tmp_path / "nb", "rnn_bptt.ipynb", as_student_notebook(files))
    assert (tmp_path / "nb" / "rnn_bptt.ipynb").stat().st_size > 3 << 20       # outputs are not code
    as_notebook, as_files = graded(tmp_path / "nb"), graded(files)
    assert as_notebook["tests"] == as_files["tests"]
    assert as_notebook["score"] == as_files["score"]
    assert (as_files["score"] == 100) == (files == REFERENCE) and as_files["score"] > 75
    summary = as_notebook["output"]        # Markdown: student text in it is escaped (escape.markdown_inline)
    assert markdown_inline("cell 2 (`!pip install numpy`: an IPython command, not Python)") in summary
    assert markdown_inline("cell 7 (`xs = np.linspace(-5, 5, 101)` runs at the top level)") in summary
    assert markdown_inline("`for step in range(100):` runs at the top level") in summary


def test_staged_modules_hold_the_files_functions_imports_and_constants(tmp_path):
    write(tmp_path, "hw.ipynb", as_student_notebook(REFERENCE))
    staged = stage(tmp_path)
    try:
        assert staged.found == {m: "hw.ipynb" for m in MODULES} and not staged.problems
        for module in MODULES:
            text = (staged.dir / f"{module}.py").read_text(encoding="utf-8")
            assert nbs.definitions(text) == nbs.definitions((REFERENCE / f"{module}.py").read_text(encoding="utf-8"))
            assert "import numpy as np" in text and "matplotlib" not in text and "plt" not in text
            assert "print(" not in text and "range(100)" not in text
        assert 'GAMMA = {"tanh": 1.0, "sigmoid": 0.25}' in (staged.dir / "jacobian.py").read_text(encoding="utf-8")
    finally:
        staged.cleanup()


def test_an_nbgrader_notebook_counts_its_solution_cells_only(tmp_path):
    """The released nbgrader notebook filled with the buggy sample: its locked setup and test cells
    (which define helpers and call the functions) are never read; it grades as the files do."""
    released = nbgrader_notebook.build_notebook()
    for c in released["cells"]:
        meta = c["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            c["source"] = (BUGGY / f"{c['id'].removesuffix('-solution')}.py").read_text(encoding="utf-8")
        elif meta.get("grade") or meta.get("locked"):
            c["source"] = "".join(c["source"]) + "\n\ndef sigmoid(x):\n    return 0.5\n"     # never graded
    released["cells"].append(cell("def clip_grad_norm(grads, max_norm):\n    raise ValueError('student-added')\n"))
    code = read(released)
    assert "def sigmoid(x):\n    return 0.5" not in code.modules["activations"]
    assert "student-added" in code.modules["clipping"]           # a cell the student added counts
    released["cells"].pop()
    write(tmp_path / "nb", "rnn_bptt.ipynb", released)
    assert graded(tmp_path / "nb")["tests"] == graded(BUGGY)["tests"]


# ---- IPython ----------------------------------------------------------------------------------
def test_magics_shell_lines_and_cell_magics():
    code = read(notebook(
        cell("%load_ext autoreload\nfiles = !ls\nnp.sum?\nimport numpy as np"),
        cell("%%time\ndef sigmoid(x):\n    total = (1\n             % 1)\n    !echo inside\n"
             "    return 1 / (1 + np.exp(-x))"),
        cell("%%bash\necho hello"),
        cell("%%html\n<b>x</b>"),
    ))
    text = code.modules["activations"]
    assert "total = (1\n             % 1)" in text          # a continuation line starting with % is Python
    assert "    pass" in text and "!echo" not in text and "autoreload" not in text
    assert "cell 3 (`%%bash`: a %%bash cell is not Python)" in code.notes[0]
    assert "`%load_ext autoreload`: an IPython command" in code.notes[0]


def test_writefile_cell_is_that_file_and_comes_before_code_cells(tmp_path):
    rnn = (REFERENCE / "rnn.py").read_text(encoding="utf-8")
    nb = notebook(cell(f"%%writefile rnn.py\n{rnn}"),
                  cell("%%writefile -a helpers.py\nTWO = 2\n"),
                  cell("def rnn_forward(x, h0, params):\n    return None\n"),
                  *[cell((REFERENCE / f"{m}.py").read_text(encoding="utf-8")) for m in MODULES if m != "rnn"])
    write(tmp_path, "hw.ipynb", nb)
    staged = stage(tmp_path)
    try:
        assert (staged.dir / "rnn.py").read_text(encoding="utf-8") == rnn
        assert (staged.dir / "helpers.py").read_text(encoding="utf-8") == "TWO = 2\n"
        assert any("rnn.py was taken from the %%writefile rnn.py cell of hw.ipynb" in n
                   and "also define rnn_forward" in n for n in staged.notes)
    finally:
        staged.cleanup()


# ---- selection --------------------------------------------------------------------------------
def test_later_definition_wins_and_helpers_constants_lambdas_follow():
    code = read(notebook(
        cell("import numpy as np\nSCALE = 2.0\nsquash = lambda z: np.tanh(z) * SCALE / SCALE"),
        cell("def tanh_derivative(x):\n    return 0.0"),
        cell("def _helper(x):\n    return 1.0 - squash(x) ** 2\n\ndef tanh_derivative(x):\n    return _helper(x)"),
        cell("SCALE = 3.0\nunused = np.random.randn(10000, 10000)"),
    ))
    text = code.modules["activations"]
    assert "return 0.0" not in text and "return _helper(x)" in text
    assert "squash = lambda" in text and "SCALE = 3.0" in text
    assert "SCALE = 2.0" not in text              # the lambda reads SCALE when called: the last binding
    assert "unused" not in text
    assert "tanh_derivative is defined in cells 2 and 3" in " ".join(code.notes)


def test_functions_defined_elsewhere_are_missing_with_the_reason(tmp_path):
    write(tmp_path, "hw.ipynb", notebook(cell((REFERENCE / "activations.py").read_text(encoding="utf-8"))))
    staged = stage(tmp_path)
    try:
        assert set(staged.found) == {"activations"}
        assert "hw.ipynb was read, but none of its code cells defines rnn_forward and rnn_backward" \
            in staged.problems["rnn"]
    finally:
        staged.cleanup()


# ---- malformed notebooks ----------------------------------------------------------------------
def test_a_syntax_error_names_the_cell_and_the_rest_is_graded(tmp_path):
    cells = [cell((REFERENCE / f"{m}.py").read_text(encoding="utf-8")) for m in MODULES]
    cells[1] = cell("import numpy as np\n\ndef rnn_forward(x, h0, params):\n    return (x\n\n"
                    "def rnn_backward():\n  pass")
    write(tmp_path, "hw.ipynb", notebook(cell("# title", "markdown"), *cells))
    report = graded(tmp_path)
    assert report["score"] == 100 - 38                  # every file but rnn.py, in full
    message = ("hw.ipynb, cell 3 (`import numpy as np`), has a syntax error at its line 4 (`return (x`): "
               "'(' was never closed. The cell was left out, so the rnn_forward and rnn_backward defined in it "
               "were not read.")
    assert markdown_inline(message) in report["output"]
    rnn = [t for t in report["tests"] if t["name"].startswith("rnn_forward:")][0]
    assert message in rnn["output"]


@pytest.mark.parametrize("data, message", [
    ('{"cells": [', "its JSON is broken at line 1, column 12"),
    ('{"nbformat": 3, "worksheets": [{"cells": []}]}', "old notebook format 3"),
    ("[" * 100 + "]" * 100, "nested more than 64 levels deep"),
    ("[" + "0," * 600_000 + "0]", "more than 500,000 JSON items"),
    ('{"nbformat": 4, "cells": {}}', "it has no list of cells"),
    (b'{"nbformat": 4, "cells": ["\xff"]}', "its text is not UTF-8"),
])
def test_unreadable_notebooks_get_a_message(data, message, monkeypatch):
    if "deep" in message or "items" in message:                    # refused before json.loads
        monkeypatch.setattr(nbs.json, "loads", lambda *a, **k: pytest.fail("parsed"))
    code = read(data)
    assert code.problem is not None and message in code.problem and not code.modules


def test_size_caps_apply_to_code_not_outputs():
    big_code = read(notebook(cell("x = 1\n" * 50_000)))
    assert "more than 256 KB of code (outputs not counted)" in big_code.problem
    many = read(notebook(*[cell("x = 1\n" * 1000) for _ in range(6)]))
    assert "more than 5,000 top-level statements" in many.problem
    too_big = nbs.MAX_NOTEBOOK_BYTES + 1
    assert "larger than 20 MB" in read(b" " * too_big).problem


def test_code_too_deep_for_recursive_tools_never_crashes_the_grader(tmp_path):
    deep = "def sigmoid(x):\n    return " + "+".join(["x"] * 20_000) + "\n"
    code = read(notebook(cell(deep), cell("a = 1; b = " + "+".join(["1"] * 20_000))))
    assert not code.modules
    assert "cell 1 (`def sigmoid(x):`), has code too deeply nested for Python to read" in code.notes[0]
    assert "cell 2 (`a = 1; b = 1+1+1" in code.notes[1] and "too deeply nested" in code.notes[1]
    write(tmp_path, "hw.ipynb", notebook(cell(deep)))
    (tmp_path / "activations.py").write_text(deep, encoding="utf-8")
    stage(tmp_path).cleanup()                   # the .py file and the notebook compared: no RecursionError


def test_malformed_cells_are_named_and_skipped():
    code = read(notebook(cell("x", "raw"), {"cell_type": "code", "source": 42},
                         cell((REFERENCE / "clipping.py").read_text(encoding="utf-8"))))
    assert "clipping" in code.modules
    assert "hw.ipynb: cell 2 is not a well-formed notebook cell" in code.notes[0]


def test_cell_text_quoted_in_feedback_is_inert():
    hostile = "# Score: 100 `<img src=x onerror=alert(1)>` \x1b[31mred\u202e " + "x" * 100
    code = read(notebook(cell(f"print({hostile!r})"), cell("def sigmoid(x):\n    return x")))
    note = " ".join(code.notes)
    quoted = note.split("cell 1 (", 1)[1].split(" runs at the top level")[0]
    assert quoted.startswith("`") and quoted.endswith("…`") and quoted.count("`") == 2
    assert "\x1b" not in note and "\u202e" not in note and len(quoted) <= nbs.EXCERPT + 2


# ---- several notebooks; notebooks beside files --------------------------------------------------
def test_several_notebooks_same_code_fine_different_code_ambiguous(tmp_path):
    nb = as_student_notebook(REFERENCE)
    write(tmp_path / "same", "hw.ipynb", nb)
    write(tmp_path / "same", "hw (1).ipynb", nb)
    staged = stage(tmp_path / "same")
    try:
        assert set(staged.found) == set(MODULES) and not staged.problems
    finally:
        staged.cleanup()
    other = json.loads(json.dumps(nb))
    other["cells"][2] = cell((BUGGY / "activations.py").read_text(encoding="utf-8"))
    write(tmp_path / "different", "a.ipynb", nb)
    write(tmp_path / "different", "b.ipynb", other)
    staged = stage(tmp_path / "different")
    try:
        assert "activations" not in staged.found and "clipping" in staged.found   # same clipping code in both
        assert ("activations.py was not graded: a.ipynb and b.ipynb each give its functions, with different code"
                in staged.problems["activations"])
    finally:
        staged.cleanup()


def test_a_py_file_comes_before_a_notebook(tmp_path):
    shutil.copy(BUGGY / "rnn.py", tmp_path / "rnn.py")
    write(tmp_path, "hw.ipynb", as_student_notebook(REFERENCE))
    staged = stage(tmp_path)
    try:
        assert staged.found["rnn"] == "rnn.py" and staged.found["jacobian"] == "hw.ipynb"
        assert (staged.dir / "rnn.py").read_bytes() == (BUGGY / "rnn.py").read_bytes()
        assert any(n.startswith("rnn.py was graded; hw.ipynb also defines its functions, differently")
                   for n in staged.notes)
    finally:
        staged.cleanup()


def test_a_zipped_notebook_with_large_outputs_is_read(tmp_path):
    with zipfile.ZipFile(tmp_path / "upload.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("hw/rnn_bptt.ipynb", json.dumps(as_student_notebook(REFERENCE)))
    staged = stage(tmp_path / "upload.zip")
    try:
        assert staged.found == {m: "hw/rnn_bptt.ipynb" for m in MODULES}
    finally:
        staged.cleanup()


# ---- top-level code that fills in a constant or defines a helper (read as a .py file would run) -----
GAMMA_LINE = 'GAMMA = {"tanh": 1.0, "sigmoid": 0.25}   # max over z of phi\'(z)'
FILL_INS = {
    "subscript": 'GAMMA = {}\nGAMMA["tanh"] = 1.0\nGAMMA["sigmoid"] = 0.25',
    "for loop": 'GAMMA = dict()\nfor _name, _g in (("tanh", 1.0), ("sigmoid", 0.25)):\n    GAMMA[_name] = _g',
    "if block": 'GAMMA = {}\nif True:\n    GAMMA["tanh"] = 1.0\nelse:\n    pass\nGAMMA["sigmoid"] = 0.25',
}


def notebook_with_jacobian(jacobian: str, *extra: str) -> dict:
    cells = [cell((REFERENCE / f"{m}.py").read_text(encoding="utf-8")) for m in MODULES if m != "jacobian"]
    return notebook(*cells, cell(jacobian), *(cell(e) for e in extra))


@pytest.mark.parametrize("how", sorted(FILL_INS))
def test_a_constant_filled_in_at_the_top_level_is_kept(how):
    jacobian = (REFERENCE / "jacobian.py").read_text(encoding="utf-8").replace(GAMMA_LINE, FILL_INS[how])
    assert jacobian != (REFERENCE / "jacobian.py").read_text(encoding="utf-8")
    code = nbs.read_notebook("hw.ipynb", json.dumps(notebook_with_jacobian(jacobian)).encode())
    namespace: dict = {}
    exec(compile(code.modules["jacobian"], "jacobian.py", "exec"), namespace)     # the module as staged
    assert namespace["GAMMA"] == {"tanh": 1.0, "sigmoid": 0.25}
    assert not any("at no cost" in n and "GAMMA" in n for n in code.notes)


def test_try_and_if_blocks_that_only_define_are_kept_and_a_main_guard_is_not():
    activations = (REFERENCE / "activations.py").read_text(encoding="utf-8")
    tried = ("try:\n    from scipy.special import expit\nexcept ImportError:\n    def expit(x):\n"
             "        return 0.5 * (1.0 + np.tanh(0.5 * x))\n")
    guarded = 'if "helper" not in globals():\n    def helper(x):\n        return x\n'
    main = 'if __name__ == "__main__":\n    def unused(x):\n        return x\n    print(expit(0.0))\n'
    activations = activations.replace("def sigmoid(x):", tried + guarded + main + "\n\ndef sigmoid(x):\n"
                                      "    return helper(expit(x))\n\n\ndef _old_sigmoid(x):")
    code = nbs.read_notebook("hw.ipynb", json.dumps(notebook(cell(activations))).encode())
    text = code.modules["activations"]
    assert "except ImportError:" in text and 'if "helper" not in globals():' in text
    assert "__main__" not in text
    namespace: dict = {}
    exec(compile(text, "activations.py", "exec"), namespace)
    assert namespace["sigmoid"](0.0) == 0.5


def test_a_dropped_statement_that_a_function_needs_is_not_called_free():
    """A loop that does more than assign (here it prints) is never run: the note says it may cost points."""
    jacobian = (REFERENCE / "jacobian.py").read_text(encoding="utf-8").replace(
        GAMMA_LINE, 'GAMMA = {}\nfor _name in ("tanh", "sigmoid"):\n    print(_name)\n'
                    '    GAMMA[_name] = 1.0 if _name == "tanh" else 0.25')
    code = nbs.read_notebook("hw.ipynb", json.dumps(notebook_with_jacobian(jacobian, "GAMMA.update(x=1)")).encode())
    costly = [n for n in code.notes if "may cost points" in n]
    assert len(costly) == 1 and 'cell 4 (`for _name in ("tanh", "sigmoid"):` sets GAMMA)' in costly[0]
    assert "cell 5 (`GAMMA.update(x=1)` sets GAMMA)" in costly[0]
    assert not any("at no cost" in n and "cell 4" in n for n in code.notes)


def test_a_loop_that_calls_anything_is_never_kept_even_if_it_only_assigns():
    """An experiment that logs into a dict the graded code reads (CFG) is no definition: re-run at
    import it could take the file's whole budget (a red-team notebook slept 30 s per step)."""
    jacobian = (REFERENCE / "jacobian.py").read_text(encoding="utf-8").replace(
        GAMMA_LINE,
        GAMMA_LINE + '\nimport time\nfor trial in range(3):\n    GAMMA["last_run"] = time.sleep(30) or trial')
    code = nbs.read_notebook("hw.ipynb", json.dumps(notebook_with_jacobian(jacobian)).encode())
    assert "time.sleep" not in code.modules["jacobian"]
    assert any("may cost points" in n and "for trial in range(3):" in n for n in code.notes), code.notes


def test_calls_and_loops_that_run_experiments_are_never_kept():
    cells = [cell((REFERENCE / f"{m}.py").read_text(encoding="utf-8")) for m in MODULES]
    cells += [cell("losses = []\nfor step in range(3):\n    losses.append(step)\n"
                   "RESULT = rnn_forward(None, None, None)\nprint(RESULT)")]
    code = nbs.read_notebook("hw.ipynb", json.dumps(notebook(*cells)).encode())
    assert not any("losses" in text or "print(" in text for text in code.modules.values())
    assert any("Left out, at no cost" in n and "cell 5" in n for n in code.notes)


def test_an_error_in_a_notebook_points_at_its_cell(tmp_path):
    jacobian = (REFERENCE / "jacobian.py").read_text(encoding="utf-8").replace(
        "    return float((GAMMA[activation] * lam) ** steps)", "    return float((GAMMA['relu'] * lam) ** steps)")
    write(tmp_path, "hw.ipynb", notebook_with_jacobian(jacobian))
    results = graded(tmp_path)
    bound = next(t for t in results["tests"] if t["name"].startswith("gradient_bound: ") and t["score"] == 0)
    line = jacobian.split("\n").index("    return float((GAMMA['relu'] * lam) ** steps)") + 1
    assert f"raised KeyError at hw.ipynb, cell 4, line {line}, in gradient_bound:" in bound["output"]
    assert "jacobian.py" not in bound["output"]


def test_an_unchanged_stub_beside_a_notebook_gives_way_to_the_notebook(tmp_path):
    for m in MODULES:
        shutil.copy(ROOT / "assignments" / "rnn_bptt" / f"{m}.py", tmp_path / f"{m}.py")
    shutil.copy(BUGGY / "clipping.py", tmp_path / "clipping.py")          # a file of the student's own still wins
    write(tmp_path, "hw.ipynb", as_student_notebook(REFERENCE))
    staged = stage(tmp_path)
    try:
        assert staged.found == {"activations": "hw.ipynb", "rnn": "hw.ipynb", "jacobian": "hw.ipynb",
                                "clipping": "clipping.py"}
        assert ("activations.py, rnn.py and jacobian.py are still the stubs as handed out, unchanged, so their "
                "functions were taken from hw.ipynb" in " ".join(staged.notes))
        assert not any("Implement the functions" in n for n in staged.notes)
    finally:
        staged.cleanup()
    results = graded(tmp_path)
    assert results["score"] > 80
