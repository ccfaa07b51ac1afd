"""Every requirement the grader enforces is stated where the student reads about the function
(issues 16 and 21), for every assignment.

autograder/assignments/<name>/stated.py lists, for every check id of that assignment's points
table, the phrases that state what the check enforces. Each must appear in the function's stub
(its docstring or its module's docstring) or in a handout section that the stub cites. The
student text never mentions the project's SPEC, which students do not have.
"""
from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from autograder import assignment as A

ASSIGNMENTS = ("rnn_bptt", "gated_rnn")


def stated(name: str) -> dict[str, tuple[str, ...]]:
    return importlib.import_module(f"autograder.assignments.{name}.stated").STATED


def stubs_dir(name: str) -> Path:
    return A.load(name).stubs_dir


def normalise(text: str) -> str:
    """Lower case, whitespace collapsed, the markers $, ` and ** dropped."""
    text = text.replace("**", "").replace("$", "").replace("`", "")
    return " ".join(text.split()).lower()


def handout_sections(name: str = "rnn_bptt") -> dict[int, str]:
    """Section number -> its text, from its anchor to the next one."""
    text = (stubs_dir(name) / "handout.md").read_text(encoding="utf-8")
    parts = re.split(r'<a id="section-(\d+)"></a>', text)
    return {int(number): body for number, body in zip(parts[1::2], parts[2::2])}


def cited_sections(docstring: str) -> set[int]:
    """The top-level sections cited as "handout section 2.3", "handout sections 5, 6" or "handout
    sections 1 to 4"."""
    out = set()
    for first, last in re.findall(r"handout sections (\d+) to (\d+)", docstring):
        out |= set(range(int(first), int(last) + 1))
    for group in re.findall(r"handout sections? ((?:\d+(?:\.\d+)?(?:,? (?:and )?)?)+)", docstring):
        out |= {int(n.split(".")[0]) for n in re.findall(r"\d+(?:\.\d+)?", group)}
    return out


def stub_docstrings(function: str, name: str = "rnn_bptt") -> tuple[str, str]:
    """(the stub module's docstring, the function's docstring)."""
    module = A.load(name).by_name[function].module
    tree = ast.parse((stubs_dir(name) / f"{module}.py").read_text(encoding="utf-8"))
    found = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function]
    assert found, f"{module}.py has no stub for {function}"
    return ast.get_docstring(tree) or "", ast.get_docstring(found[0]) or ""


def student_text(function: str, name: str = "rnn_bptt") -> str:
    """What a student reads about `function`: its stub's docstrings and the handout sections they cite."""
    module_doc, doc = stub_docstrings(function, name)
    sections = handout_sections(name)
    cited = cited_sections(module_doc) | cited_sections(doc)
    assert cited and cited <= sections.keys(), f"the stub of {function} should cite handout sections: {cited}"
    return normalise("\n".join([module_doc, doc, *(sections[n] for n in sorted(cited))]))


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_check_of_the_points_table_has_its_stated_phrases(name):
    points, table = A.load(name).points, stated(name)
    assert sorted(set(points) - set(table)) == [], f"checks whose requirement is not listed in {name}'s stated.py"
    assert sorted(set(table) - set(points)) == [], f"{name}'s stated.py lists checks that do not exist"
    assert all(table[cid] and all(p.strip() for p in table[cid]) for cid in table)


@pytest.mark.parametrize("name, check_id", [(n, c) for n in ASSIGNMENTS for c in sorted(A.load(n).points)])
def test_the_requirement_is_stated_in_the_stub_or_the_handout_section_it_cites(name, check_id):
    function = check_id.split(".")[0]
    text = student_text(function, name)
    missing = [p for p in stated(name).get(check_id, ()) if normalise(p) not in text]
    assert not missing, (f"{check_id}: the stub of {function} and the handout sections it cites do not "
                         f"state {missing}")


def test_cited_sections_are_read_from_the_docstrings():
    assert cited_sections("see handout section 2.3 and handout sections 5, 6") == {2, 5, 6}
    assert cited_sections("(handout sections 1, 3, 4).") == {1, 3, 4}
    assert cited_sections("no citation here") == set()
    assert cited_sections("(handout sections 1 to 4; how it is graded: handout section 8)") == {1, 2, 3, 4, 8}


def test_a_requirement_missing_from_the_text_is_caught():
    # The search is not vacuous: a phrase of one function's stub is not found in another's text.
    assert normalise("strictly between 0 and 1 for |x| <= 30") in student_text("sigmoid")
    assert normalise("strictly between 0 and 1 for |x| <= 30") not in student_text("clip_grad_norm")
    assert normalise("do not divide by zero") not in student_text("rnn_forward")


def test_a_gated_requirement_missing_from_the_text_is_caught():
    assert normalise("the lower-right block is diag(f_t)") in student_text("lstm_state_jacobian", "gated_rnn")
    assert normalise("the lower-right block is diag(f_t)") not in student_text("gru_forward", "gated_rnn")


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_the_student_text_never_cites_the_spec(name):
    for path in sorted(stubs_dir(name).glob("*")):
        if path.suffix in (".md", ".py"):
            text = path.read_text(encoding="utf-8")
            assert "SPEC" not in text, f"{path.name} cites the SPEC, which students do not have"
