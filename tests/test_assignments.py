"""Assignments as declarations: the engine names no student function, every registered
assignment is sound, a broken declaration fails loudly, and a throwaway assignment from a
temporary folder is graded end to end by the command line (the engine needs nothing else)."""
import dataclasses
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from autograder.assignment import AssignmentError, builtin_names, load, problems, validate
from autograder.platforms.cli import main

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "autograder"

# The student functions of both parts of the unit (docs/contracts/rnn_bptt.md, docs/contracts/gated_rnn.md).
STUDENT_FUNCTIONS = {
    "sigmoid", "sigmoid_derivative", "tanh_derivative", "rnn_forward", "rnn_backward", "hidden_jacobian",
    "jacobian_through_time", "gradient_bound", "classify_gradient_regime", "clip_grad_norm",
    "lstm_forward", "lstm_backward", "lstm_state_jacobian", "gru_forward", "gru_backward", "rnn_backward_truncated",
}


def engine_files() -> list[Path]:
    """Every file of autograder/ outside the folders named after an assignment."""
    named = set(builtin_names()) | {"rnn_bptt", "gated_rnn"}
    return [p for p in sorted(PACKAGE.rglob("*")) if p.is_file() and "__pycache__" not in p.parts
            and not named.intersection(p.relative_to(PACKAGE).parts[:-1])]


def test_the_engine_names_no_student_function():
    names = STUDENT_FUNCTIONS | {f.name for a in map(load, builtin_names()) for f in a.functions}
    pattern = re.compile(r"\b(" + "|".join(sorted(names, key=len, reverse=True)) + r")\b")
    files = engine_files()
    assert PACKAGE / "pipeline" / "grade.py" in files and len(files) > 30
    found = [f"{p.relative_to(ROOT)}:{i}: {line.strip()}" for p in files
             for i, line in enumerate(p.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
             if pattern.search(line)]
    assert found == []


def test_every_registered_assignment_loads_and_is_sound():
    names = builtin_names()
    assert "rnn_bptt" in names
    for name in names:
        a = load(name)
        assert a.name == name and problems(a) == []
        assert a.reference is not None and (ROOT / a.contract_doc).is_file()


@pytest.mark.parametrize("change, expected", [
    (lambda a: {"checks": tuple(dataclasses.replace(c, gated_by="sigmoid.valuez") if c.id == "sigmoid.inputs"
                                else c for c in a.checks)}, "gated_by 'sigmoid.valuez' is not a graded check"),
    (lambda a: {"points": {k: v for k, v in a.points.items() if k != "rnn_forward.y"}},
     "check rnn_forward.y: no entry in the points table"),
    (lambda a: {"helpers": {k: v for k, v in a.helpers.items() if k != "sigmoid"}},
     "sigmoid_derivative: helper 'sigmoid' has no public helper"),
    (lambda a: {"checks": tuple(dataclasses.replace(c, probe="rnn_forward.nowhere") if c.id == "rnn_forward.h"
                                else c for c in a.checks)}, "check rnn_forward.h: unknown probe 'rnn_forward.nowhere'"),
    (lambda a: {"points": {**a.points, "rnn_forward.h": a.points["rnn_forward.h"] + 1}},
     "the points sum to 101, not the total 100"),
    # issue 19: a function marked as returning gradients over a sequence needs a realistic-size case
    (lambda a: {"probes": tuple(dataclasses.replace(p, realistic=False) for p in a.probes)},
     "rnn_backward: returns gradients over a sequence (sequence_gradient) but has no realistic-size probe"),
    (lambda a: {"checks": tuple(c for c in a.checks if c.id != "rnn_backward.realistic_size"),
                "points": {**{k: v for k, v in a.points.items() if k != "rnn_backward.realistic_size"},
                           "rnn_backward.dx": a.points["rnn_backward.dx"] + a.points["rnn_backward.realistic_size"]}},
     "rnn_backward: returns gradients over a sequence (sequence_gradient) but has no realistic-size probe"),
    (lambda a: {"functions": tuple(dataclasses.replace(f, sequence_gradient=False) if f.name == "rnn_backward"
                                   else f for f in a.functions)},
     "probe rnn_backward.realistic_size: a realistic-size probe must be hidden and of a function marked"),
    # ... and names its witnesses, outputs of its own answer
    (lambda a: {"functions": tuple(dataclasses.replace(f, bptt_witnesses=()) if f.name == "rnn_backward"
                                   else f for f in a.functions)},
     "rnn_backward: a sequence_gradient function names its bptt_witnesses"),
    (lambda a: {"functions": tuple(dataclasses.replace(f, bptt_witnesses=("grads['W_hhh']",))
                                   if f.name == "rnn_backward" else f for f in a.functions)},
     "rnn_backward: \"grads['W_hhh']\" is no output of its answer"),
    # ... and a counted helper is called with the dependent's own arguments of the same names
    (lambda a: {"functions": tuple(dataclasses.replace(f, helper_calls=1) if f.name == "jacobian_through_time"
                                   else f for f in a.functions)},
     "jacobian_through_time: helper_calls: its signature has no argument 'h_t' for its helper hidden_jacobian"),
])
def test_a_dangling_reference_fails_loudly(change, expected):
    a = load("rnn_bptt")
    broken = dataclasses.replace(a, **change(a))
    with pytest.raises(AssignmentError) as err:
        validate(broken)
    assert expected in str(err.value)


def test_a_missing_reference_function_fails_loudly(tmp_path):
    from autograder.assignment import Reference

    a = load("rnn_bptt")
    for module in a.reference.modules:
        (tmp_path / f"{module}.py").write_text((a.reference.dir / f"{module}.py").read_text())
    (tmp_path / "clipping.py").write_text("def clip_grad_nrom(grads, max_norm):\n    return grads, 0.0\n")
    broken = dataclasses.replace(a, reference=Reference(tmp_path, a.reference.modules))
    assert any("no function clip_grad_norm" in p for p in problems(broken))


def test_an_unknown_assignment_is_refused_with_the_known_ones(tmp_path, capsys):
    code = main(["grade", str(tmp_path), "--results", str(tmp_path / "r.json"), "--assignment", "no_such_thing"])
    assert code == 2 and not (tmp_path / "r.json").exists()
    assert "no assignment 'no_such_thing'" in capsys.readouterr().err


TINY_DECLARATION = '''
"""A throwaway assignment: one function, double(x) = 2x, in twice.py; one check."""
from pathlib import Path

from autograder.assignment import ARRAY, Assignment, Reference, StudentFunction
from autograder.engine.checks import Case, Check, Probe, matches

HERE = Path(__file__).resolve().parent
REFERENCE = Reference(HERE / "solution", ("twice",))


def cases(draw):
    g = draw.rng("double")
    return [Case((g.normal(size=(n,)),), label=f"n={n}") for n in (1, 3, 5, 7)]


ASSIGNMENT = Assignment(
    name="tiny",
    title="a throwaway assignment",
    functions=(StudentFunction("double", "twice", "double(x)", ARRAY),),
    points={"double.values": 2},
    total=2,
    probes=(Probe("double.cases", "double", cases),),
    checks=(Check("double.values", "double", "values match the reference", "double.cases",
                  matches("output", lambda case: REFERENCE.load().double(*case.args))),),
    reference=REFERENCE,
)
'''


def _grade(submission: Path, results: Path, assignment: Path) -> dict:
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(submission), "--results", str(results),
                           "--assignment", str(assignment)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(results.read_text())


def test_a_throwaway_assignment_from_a_folder_is_graded_end_to_end(tmp_path):
    folder = tmp_path / "tiny"
    (folder / "solution").mkdir(parents=True)
    (folder / "__init__.py").write_text(textwrap.dedent(TINY_DECLARATION))
    (folder / "solution" / "twice.py").write_text("def double(x):\n    return 2 * x\n")
    right, wrong = tmp_path / "right", tmp_path / "wrong"
    right.mkdir()
    wrong.mkdir()
    (right / "twice.py").write_text("import numpy as np\n\n\ndef double(x):\n    return np.add(x, x)\n")
    (wrong / "twice.py").write_text("def double(x):\n    return 3 * x\n")

    good = _grade(right, tmp_path / "right.json", folder)
    assert good["score"] == 2 and [t["name"] for t in good["tests"]] == ["double: values match the reference"]
    assert good["extra_data"]["assignment"] == "tiny"
    assert re.fullmatch(r"[0-9a-f]{16,64}", good["extra_data"]["grader_fingerprint"])

    bad = _grade(wrong, tmp_path / "wrong.json", folder)
    assert bad["score"] == 0 and bad["tests"][0]["max_score"] == 2
    assert "Passed 0 of 4 cases" in bad["tests"][0]["output"]
    assert bad["extra_data"]["grader_fingerprint"] == good["extra_data"]["grader_fingerprint"]


def test_results_say_which_assignment_and_grader_graded_them(tmp_path):
    from autograder.engine.fingerprint import grader_fingerprint

    a = load("rnn_bptt")
    changed = dataclasses.replace(a, points={**a.points, "sigmoid.values": 3, "sigmoid.range": 2})
    assert grader_fingerprint(a) != grader_fingerprint(changed)
    assert grader_fingerprint("rnn_bptt") == grader_fingerprint(a)
