"""Honest but unusual submissions (the red-team report of odd submissions): input dicts whose keys the
call changes, a relative import between the files, complex answers, and their messages in Vietnamese.

Real submissions are built from the reference in tmp folders and graded; the rest are unit tests of
the functions that write the messages.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np

from autograder import i18n
from autograder.assignment import load
from autograder.engine import redact, scoring, worker_text
from autograder.engine.checks import CallResult, Case, key_change
from autograder.intake import notebook_submission as nbs
from autograder.outputs.results import to_gradescope
from autograder.pipeline.grade import grade_submission
from autograder.sandbox import worker

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "reference" / "rnn_bptt" / "solution"
RETURN = "    return h, y\n"


def submission(tmp_path: Path, rnn_edit: tuple[str, str] | None = None, extra: dict[str, str] | None = None) -> Path:
    folder = tmp_path / "sub"
    shutil.copytree(REFERENCE, folder)
    if rnn_edit:
        text = (folder / "rnn.py").read_text(encoding="utf-8")
        assert rnn_edit[0] in text
        (folder / "rnn.py").write_text(text.replace(rnn_edit[0], rnn_edit[1], 1), encoding="utf-8")
    for name, text in (extra or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def find_test(results: dict, name: str) -> dict:
    return next(t for t in results["tests"] if t["name"] == name)


# ---- keys added to or removed from an input dict ---------------------------------------------------
def test_a_key_added_to_an_input_dict_fails_the_inputs_check_without_its_name(tmp_path):
    results = to_gradescope(grade_submission(submission(tmp_path, (RETURN, '    params["cache_" + str(h.sum())]'
                                                                           ' = h\n' + RETURN))))
    inputs = find_test(results, "rnn_forward: does not modify its inputs")
    assert inputs["score"] == 0
    assert "the input params was changed by the call: a key was added to it (its name is not shown" in inputs["output"]
    assert "cache_" not in json.dumps(results)          # the name the submission chose never reaches the student
    assert find_test(results, "rnn_forward: hidden states h match the reference")["score"] > 0


def test_a_key_removed_from_an_input_dict_is_named(tmp_path):
    results = to_gradescope(grade_submission(submission(tmp_path, (RETURN, '    params.pop("b_y")\n' + RETURN))))
    inputs = find_test(results, "rnn_forward: does not modify its inputs")
    assert inputs["score"] == 0
    assert "the key 'b_y' was removed from it (del or pop)" in inputs["output"]
    assert "could not be read back" not in inputs["output"] and "+=" not in inputs["output"]


def test_added_keys_are_named_on_worked_examples_and_contract_keys_on_hidden_cases():
    params = {"W_xh": np.zeros(2), "b_y": np.zeros(1)}
    after = {"arg2": {"path": "arg2", "added": ["cache", "W_hh"], "removed": [], "keys_added": 2, "keys_removed": 0}}
    names = ("x", "h0", "params")
    hidden = redact.redact(CallResult("ok", inputs_after=after), None, visible=False)
    shown = key_change(Case((None, None, params)), hidden, names)
    assert "the key 'W_hh' was added to it. (2 keys were added in all.)" not in shown      # W_hh is no key here
    assert "keys were added to it (their names and number are not shown for hidden cases)" in shown
    many = {"arg2": after["arg2"] | {"keys_added": 280005}}      # a count the code chose: never shown on hidden cases
    assert "280005" not in key_change(Case((None, None, params)), redact.redact(
        CallResult("ok", inputs_after=many), None, visible=False), names)
    contract = key_change(Case((None, None, params | {"W_hh": np.zeros(1)})),
                          CallResult("ok", inputs_after=after), names)
    assert "the key 'W_hh' was added to it." in contract and "cache" not in contract and "in all" not in contract
    visible = key_change(Case((None, None, params), visible=True), CallResult("ok", inputs_after=after), names)
    assert "the keys 'cache', 'W_hh' were added to it." in visible
    one_named = {"arg2": after["arg2"] | {"added": ["cache"], "keys_added": 3}}
    assert "(3 keys were added in all.)" in key_change(Case((None, None, params), visible=True),
                                                      CallResult("ok", inputs_after=one_named), names)
    odd = {"arg2": after["arg2"] | {"added": ["0.123 secret"], "keys_added": 1}}
    assert redact.redact(CallResult("ok", inputs_after=odd), None, visible=False).inputs_after["arg2"]["added"] == []


def test_the_worker_reports_the_keys_a_call_added_and_removed():
    class Writer:
        def array(self, value):
            return {"at": 0, "shape": list(value.shape)}

    params = {"W_xh": np.zeros(2), "b_y": np.zeros(1)}
    spec = {"args": [{"dict": {"W_xh": {"array": 0}, "b_y": {"array": 1}}}]}
    del params["b_y"]
    params["cache"], params[3] = 1, 2
    saved = worker.snapshot_inputs([params], {}, spec, Writer())
    assert {"path": "arg0", "added": ["cache", "<a key of type int>"], "removed": ["b_y"], "keys_added": 2,
            "keys_removed": 1} in saved


# ---- a relative import; a place outside any function -----------------------------------------------
def test_a_relative_import_gets_the_hint_to_drop_the_dot(tmp_path):
    folder = submission(tmp_path, ("import numpy as np\n", "import numpy as np\n\nfrom .activations import "
                                   "tanh_derivative  # noqa: F401\n"), {"__init__.py": ""})
    for lang in ("en", "vi"):
        results = to_gradescope(grade_submission(folder, lang=lang))
        text = results["output"].replace("\\", "")
        assert "`from activations import tanh_derivative`" in text
        assert "__main__" not in text.split("rnn.py")[1][:600]
        assert not re.search(r"\b(in|trong) :", text)
    assert any("rnn.py line 8:\n    from .activations import tanh_derivative" in note
               for note in grade_submission(folder).notes)


def test_a_place_outside_any_function_has_no_empty_function_name():
    raised = {"type": "KeyError", "where": {"file": "rnn.py", "line": 3, "function": "", "code": "X = T['a']"}}
    assert scoring._place(raised) == " at rnn.py line 3:\n    X = T['a']"
    raised["where"] |= {"function": "f", "file": "hw.ipynb", "cell": 4}
    assert scoring._place(raised) == " at hw.ipynb, cell 4, line 3, in f:\n    X = T['a']"
    with i18n.language("vi"):
        assert scoring._place(raised) == " tại hw.ipynb, ô 4, dòng 3, trong f:\n    X = T['a']"


# ---- complex answers ---------------------------------------------------------------------------------
def test_a_complex_answer_is_called_complex_on_hidden_cases_too():
    for value in (np.array([1 + 0j]), np.complex128(1), 1 + 0j, [1 + 0j]):
        arr, problem = worker.to_float_array(value)
        assert arr is None and problem.startswith("got complex numbers (dtype complex"), problem
        text = "expected an array of numbers, " + problem
        assert redact.safe_problem(text) == text
        assert "numpy.ndarray" not in text and "cannot turn" not in text
    arr, problem = worker.to_float_array(np.array([1 + 0j]))
    with i18n.language("vi"):
        translated = worker_text.translate("expected an array of numbers, " + problem)
    assert "số phức (dtype complex128)" in translated and "must be real" not in translated


# ---- Vietnamese: the substituted helper, the notebook notes --------------------------------------------
def test_the_substituted_helper_message_is_translated():
    gated = load("gated_rnn")
    fn = gated.by_name["gru_backward"]
    english = scoring.helper_refused(gated, fn, {"mro": ["SubstitutedHelperTooManyCalls"]})
    assert english.startswith("gru_backward was graded with a correct gru_forward in place of yours, and called it "
                              "more than 1 time in one case")
    with i18n.language("vi"):
        vi = scoring.helper_refused(gated, fn, {"mro": ["SubstitutedHelperTooManyCalls"]})
        other = scoring.helper_refused(gated, fn, {"mro": ["SubstitutedHelperOtherInputs"]})
    for text in (vi, other):
        assert "gru_forward" in text and "was graded" not in text and "Compute the gradients" not in text


def test_the_notebook_notes_are_translated():
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": source}
             for source in ["%matplotlib inline\n" + (REFERENCE / "activations.py").read_text(encoding="utf-8"),
                            "def sigmoid(x):\n    return x\n", "x = sigmoid(1.0)\nprint(x)", "def broken(:\n"]]
    data = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}).encode()
    with i18n.language("vi"):
        code = nbs.read_notebook("hw.ipynb", data)
        problem = nbs.parse_json("hw.ipynb", b"{")[1]
    notes = " ".join(code.notes) + problem
    for english in ("the grader", "Left out", "cell ", "is defined in", "syntax error", "not a valid notebook"):
        assert english not in notes, english
    assert "ô 1" in notes and "ô 4" in notes
