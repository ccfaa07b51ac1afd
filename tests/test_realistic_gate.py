"""Issue 19: numerical differentiation of a gradient over a sequence earns nothing.

A function marked sequence_gradient (assignment.StudentFunction) has a realistic-size case with a
CPU budget of its own (runner.Limits.realistic_cpu_seconds), run last, which gates all its points
(grade.apply_realistic_gates); a substituted helper with helper_calls answers only that many calls
on the case's own inputs (worker.answer_table). Graded here in this process (the attack suite,
tests/test_integrity.py, grades the numerical-differentiation submissions with the command line).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder.outputs.results import to_gradescope
from autograder.pipeline.grade import grade_submission
from autograder.sandbox import runner
from autograder.sandbox.runner import Limits

ROOT = Path(__file__).resolve().parents[1]
PART1 = ROOT / "reference" / "rnn_bptt" / "solution"
PART2 = ROOT / "reference" / "gated_rnn" / "solution"
LIMITS = Limits(realistic_cpu_seconds=2.0)     # far above the reference's time there, far below a minute


def submission(tmp_path: Path, solution: Path, module: str, extra: str) -> Path:
    """SOLUTION with EXTRA appended to MODULE.py (later definitions replace the reference's)."""
    sub = tmp_path / "sub"
    shutil.copytree(solution, sub)
    path = sub / f"{module}.py"
    path.write_text(path.read_text() + "\n\n" + extra)
    return sub


def of_function(data: dict, function: str) -> list[dict]:
    return [t for t in data["tests"] if t["name"].startswith(function + ":")]


def others_full(data: dict, *functions: str) -> bool:
    return all(t["score"] == t["max_score"] for t in data["tests"] if t["name"].split(":")[0] not in functions)


# ---- the gate --------------------------------------------------------------------------------------------
BURN_AT_REALISTIC_SIZE = '''
import time as _time
_reference_backward = rnn_backward


def rnn_backward(dh, dy, x, h0, h, params):
    if x.shape[1] >= 100:      # only at the realistic size: as slow as numerical differentiation
        start = _time.process_time()
        while _time.process_time() - start < 30:
            pass
    return _reference_backward(dh, dy, x, h0, h, params)
'''

ANSWER_AT_REALISTIC_SIZE = '''
_reference_backward = rnn_backward


def rnn_backward(dh, dy, x, h0, h, params):
    dx, dh0, grads = _reference_backward(dh, dy, x, h0, h, params)
    if x.shape[1] >= 100:
        dx = dx * {factor}
    return dx, dh0, grads
'''

# what numerical differentiation does at the realistic size within the budget: the gradients with few
# entries right (db_h, dh0, the output layer's), the recurrent weights' (H x H entries) out of reach
CHEAP_OUTPUTS_ONLY = '''
_reference_backward = rnn_backward


def rnn_backward(dh, dy, x, h0, h, params):
    dx, dh0, grads = _reference_backward(dh, dy, x, h0, h, params)
    if x.shape[1] >= 100:
        dx = dx * 0.0
        grads = dict(grads, W_hh=grads["W_hh"] * 0.0, W_xh=grads["W_xh"] * 0.0)
    return dx, dh0, grads
'''


def test_a_time_out_at_the_realistic_size_costs_all_of_the_functions_points_and_says_why(tmp_path):
    data = to_gradescope(grade_submission(submission(tmp_path, PART1, "rnn", BURN_AT_REALISTIC_SIZE), LIMITS))
    ours = of_function(data, "rnn_backward")
    assert len(ours) > 5 and all(t["score"] == 0 for t in ours)
    for t in ours:      # the tests that passed say only this; the realistic-size one its own failure too
        assert ("No credit for rnn_backward: on the realistic-size case (N=4, T=400, D=64, H=128, O=10) it gave no "
                "answer: went past its time limit (2 s of CPU time for one call).") in t["output"], t["output"]
        assert "numerical differentiation" in t["output"]
        assert t["output"].startswith("No credit") == ("realistic size" not in t["name"])
    assert others_full(data, "rnn_backward")


EXIT_AT_REALISTIC_SIZE = '''
import os as _os
_reference_lstm_backward = lstm_backward


def lstm_backward(dh, dc, x, h0, c0, h, c, params):
    if x.shape[1] >= 100:      # the worker dies in the first realistic-size step
        _os._exit(3)
    return _reference_lstm_backward(dh, dc, x, h0, c0, h, c, params)
'''


def test_after_a_realistic_size_step_kills_the_worker_the_next_ones_still_get_their_inputs(tmp_path):
    """The restarted worker starts at the next realistic-size step, waits there, and is handed its inputs."""
    data = to_gradescope(grade_submission(submission(tmp_path, PART2, "lstm", EXIT_AT_REALISTIC_SIZE), LIMITS,
                                          assignment="gated_rnn"))
    assert all(t["score"] == 0 for t in of_function(data, "lstm_backward"))
    assert others_full(data, "lstm_backward"), [t["name"] for t in data["tests"] if t["score"] < t["max_score"]]


def test_no_finite_output_at_the_realistic_size_closes_the_gate(tmp_path):
    extra = ANSWER_AT_REALISTIC_SIZE.replace("        dx = dx * {factor}", "        return None, None, None")
    data = to_gradescope(grade_submission(submission(tmp_path, PART1, "rnn", extra), LIMITS))
    ours = of_function(data, "rnn_backward")
    assert ours and all(t["score"] == 0 for t in ours)
    assert "it gave no answer: none of its outputs (dx, dh0, grads['W_xh'], " in ours[0]["output"], ours[0]["output"]
    assert others_full(data, "rnn_backward")


def test_a_non_finite_output_at_the_realistic_size_costs_the_tests_that_judge_it(tmp_path):
    """One output that is no finite array there (here dx, all nan) is a wrong output, not no answer:
    the tests that judge it lose their points; the others, right at every size, keep theirs."""
    sub = submission(tmp_path, PART1, "rnn", ANSWER_AT_REALISTIC_SIZE.format(factor="float('nan')"))
    data = to_gradescope(grade_submission(sub, LIMITS))
    lost = {t["name"]: t["output"] for t in of_function(data, "rnn_backward") if t["score"] < t["max_score"]}
    assert "rnn_backward: dx matches the reference" in lost and "rnn_backward: dW_hh matches the reference" not in lost
    assert "gives a wrong dx on the realistic-size case" in lost["rnn_backward: dx matches the reference"]
    assert others_full(data, "rnn_backward")


def test_gradients_right_at_the_realistic_size_count_only_with_a_recurrent_weights_gradient(tmp_path):
    """db_h and dh0 right there (numerical differentiation can give them), dW_hh and dW_xh not: the
    tests of db_h and dh0 earn nothing, and say why; the output layer's gradients (no recurrence)
    keep their points."""
    data = to_gradescope(grade_submission(submission(tmp_path, PART1, "rnn", CHEAP_OUTPUTS_ONLY), LIMITS))
    scores = {t["name"].split(": ", 1)[1]: (t["score"], t["max_score"], t["output"])
              for t in of_function(data, "rnn_backward")}
    for test in ("dh0 matches the reference", "db_h matches the reference"):
        score, _, output = scores[test]
        assert score == 0 and "grads['W_hh'] of your rnn_backward is not right" in output, output
    for test in ("dW_hy matches the reference", "db_y matches the reference"):
        assert scores[test][0] == scores[test][1] > 0, scores[test]
    assert others_full(data, "rnn_backward")


def test_a_wrong_output_at_the_realistic_size_closes_the_tests_that_judge_it_and_no_other(tmp_path):
    """dx wrong only at the realistic size: the tests that judge dx (dx, the whole-answer tests) earn
    nothing and say why; the tests of the other gradients, and every other function, keep their points."""
    sub = submission(tmp_path, PART1, "rnn", ANSWER_AT_REALISTIC_SIZE.format(factor="2.0"))
    data = to_gradescope(grade_submission(sub, LIMITS))
    lost = {t["name"]: t["output"] for t in data["tests"] if t["score"] < t["max_score"]}
    assert set(lost) == {
        "rnn_backward: all gradients match the reference at a realistic size (N=4, T=400, D=64, H=128), "
        "within the time limit",
        "rnn_backward: dx matches the reference",
        "rnn_backward: all gradients agree with central finite differences",
        "rnn_backward: equals the sympy derivation of BPTT"}, list(lost)
    for name, output in lost.items():
        if "realistic size" not in name:
            assert "gives a wrong dx on the realistic-size case" in output, output


def test_a_right_answer_at_the_realistic_size_closes_nothing(tmp_path):
    sub = submission(tmp_path, PART1, "rnn", ANSWER_AT_REALISTIC_SIZE.format(factor="1.0"))
    assert to_gradescope(grade_submission(sub, LIMITS))["score"] == 100


# ---- the counted substituted helper ---------------------------------------------------------------------
FAULTY_FORWARD = '''
_reference_backward = lstm_backward


def lstm_forward(x, h0, c0, params):        # wrong on purpose: the grader substitutes a correct one
    shape = x.shape[:2] + h0.shape[1:]
    return np.zeros(shape), np.zeros(shape)


def lstm_backward(dh, dc, x, h0, c0, h, c, params):
    {calls}
    return _reference_backward(dh, dc, x, h0, c0, h, c, params)
'''


@pytest.mark.parametrize("calls, score, says", [
    ("h, c = lstm_forward(x.copy(), h0, c0=c0, params=params)", 26, "Graded with a correct lstm_forward in place of "
     "yours"),
    ("lstm_forward(x, h0, c0, params)\n    h, c = lstm_forward(x, h0, c0, params)", 0,
     "lstm_backward was graded with a correct lstm_forward in place of yours, and called it more than 1 time in "
     "one case: so this case has no answer. The correct lstm_forward answers 1 call per case, on the case's own "
     "inputs (lstm_forward(x, h0, c0, params))"),
    ("h, c = lstm_forward(x + 1e-7, h0, c0, params)", 0,
     "lstm_backward was graded with a correct lstm_forward in place of yours, and called it on inputs other than "
     "the case's own"),
])
def test_a_substituted_forward_answers_one_call_on_the_cases_own_inputs(tmp_path, calls, score, says):
    sub = submission(tmp_path, PART2, "lstm", FAULTY_FORWARD.format(calls=calls))
    data = to_gradescope(grade_submission(sub, LIMITS, assignment="gated_rnn"))
    ours = of_function(data, "lstm_backward")
    assert sum(t["score"] for t in ours) == score, [(t["name"], t["output"][:300]) for t in ours]
    assert any(says in t["output"] for t in ours), ours[0]["output"]
    assert others_full(data, "lstm_forward", "lstm_backward")


# ---- the budget ------------------------------------------------------------------------------------------
def test_the_budget_can_be_lowered_for_tests_never_raised(monkeypatch):
    monkeypatch.setenv(runner.REALISTIC_ENV, "3")
    assert Limits().realistic_cpu_seconds == 3.0
    monkeypatch.setenv(runner.REALISTIC_ENV, "500")
    assert Limits().realistic_cpu_seconds == runner.REALISTIC_CPU_SECONDS == 20.0
    monkeypatch.setenv(runner.REALISTIC_ENV, "soon")
    assert Limits().realistic_cpu_seconds == 20.0
    monkeypatch.delenv(runner.REALISTIC_ENV)
    assert Limits().realistic_cpu_seconds == 20.0 and Limits().call_cpu_seconds == 1.0


def test_other_steps_leave_the_realistic_size_cases_their_time():
    steps = [{"kind": "import"}, {"kind": "probe"}, {"kind": "probe", "realistic": True},
             {"kind": "probe", "realistic": True}]
    limits = Limits(realistic_cpu_seconds=20.0)
    deadlines = runner.step_deadlines(steps, limits, 1000.0)
    end = 1000.0 + limits.submission_seconds
    assert deadlines[2:] == [end, end]
    assert deadlines[0] == deadlines[1] == end - 2 * (20.0 + runner.STEP_SLACK_SECONDS)
    assert runner.call_budget(steps[2], limits) == 20.0 and runner.call_budget(steps[1], limits) == 1.0
    assert runner.call_budget(steps[0], limits) == limits.import_cpu_seconds == 3.0


# ---- the realistic-size cases' inputs, out of the other calls' reach ------------------------------------
def test_realistic_size_inputs_travel_apart_and_reach_the_worker_only_at_their_step():
    from autograder.assignment import load
    from autograder.engine.cases import submission_draw
    from autograder.engine.plan import build_plan
    from autograder.intake.submission import stage
    from autograder.pipeline.grade import build_cases, run_worker

    a = load("gated_rnn")
    staged = stage(PART2, a)
    try:
        cases = build_cases(submission_draw(b"k" * 32, b"d" * 32), assignment=a)
        realistic = [p.id for p in a.probes if p.realistic]
        plan = build_plan(a, [p for p in a.probes if p.id in cases], cases, a.modules)
        steps = [plan.probe_step[pid] for pid in realistic]
        assert sorted(plan.deferred) == sorted(steps) == list(range(len(plan.steps) - 3, len(plan.steps)))
        assert all(plan.steps[s].get("realistic") for s in steps)
        # no array of the shared inputs is as large as a realistic-size one (N * T = 1600 rows)
        assert max(x.size for x in plan.arrays.values()) < min(
            max(x.size for x in plan.deferred[s].values()) for s in steps)
        results, run = run_worker(a, staged, cases, None, limits=LIMITS)
        assert len(realistic) == 3 and all(results[pid][0].status == "ok" for pid in realistic)
        assert run.log[-1] == "worker restarts: 0", run.log[-1]            # one worker for all of it
        none, alone = run_worker(a, staged, {}, None, limits=LIMITS)        # no probe: the imports only
        assert none == {} and alone.log
    finally:
        staged.cleanup()
