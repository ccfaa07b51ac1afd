"""The ".sympy" checks (autograder/assignments/rnn_bptt/checks/symbolic.py), judged in process on the grade's own cases.

Answers are built here as the worker would send them back (plain arrays), from the reference
(which must pass) and from wrong formulas (which must fail with feedback that names entries and
the symbolic form, never an expected number). The real bug bank through the whole pipeline is in
tests/test_bug_bank.py (test_derivation_check_catches_the_bug).
"""
import re

import numpy as np
import pytest

from autograder.assignments.rnn_bptt import derived
from autograder.assignments.rnn_bptt.checks import symbolic as S
from autograder.assignments.rnn_bptt.points import POINTS
from autograder.assignments.rnn_bptt.reference import ref
from autograder.engine.cases import Draw
from autograder.engine.checks import CallResult, Case, all_checks, all_probes
from autograder.engine.judge import fmt

CHECKS = {c.id: c for c in S.CHECKS}


def cases_of(check) -> list[Case]:
    probes = all_probes()
    return [case for p in check.probes for case in probes[p].build(Draw(b"symbolic checks"))]


def answer(**leaves) -> CallResult:
    return CallResult("ok", leaves={k: {"array": np.asarray(v, dtype=np.float64)} for k, v in leaves.items()})


def reference_answer(check_id: str, case: Case) -> CallResult:
    R = ref()
    if check_id == "rnn_backward.sympy":
        dx, dh0, grads = R.rnn_backward(*case.args)
        return answer(dx=dx, dh0=dh0, **{f"grads[{k!r}]": v for k, v in grads.items()})
    function = CHECKS[check_id].function
    return answer(output=getattr(R, function)(*case.args, **case.kwargs))


def expected_numbers(case: Case, check_id: str) -> list[str]:
    """The expected values of a case as feedback would print them (6 significant digits; not short ones like 1)."""
    if check_id == "rnn_backward.sympy":
        dh, dy, x, h0, _, params = case.args
        values = derived.RNN_BACKWARD[S.bptt_sizes(case)[1:]](dh, dy, x, h0, params).values()
    elif check_id == "hidden_jacobian.sympy":
        values = [derived.HIDDEN_JACOBIAN[case.kwargs["activation"]](*case.args)]
    else:
        values = [getattr(derived, CHECKS[check_id].function)(case.args[0])]
    return [s for a in values for v in np.ravel(a) if len(s := fmt(float(v))) >= 5]


# ---- registry --------------------------------------------------------------------------------
def test_symbolic_checks_are_registered_named_after_their_source_and_share_their_functions_points():
    ids = {c.id for c in all_checks()}
    assert set(CHECKS) <= ids and set(CHECKS) <= POINTS.keys()
    assert {c.function for c in S.CHECKS} == {"sigmoid_derivative", "tanh_derivative", "hidden_jacobian",
                                              "rnn_backward"}
    for c in S.CHECKS:
        assert c.name.startswith(f"{c.function}: equals the sympy derivation of"), c.name
        assert set(c.probes) <= all_probes().keys(), "a symbolic check judges an existing probe's cases"
        assert POINTS[c.id] > 0


# ---- the reference passes on every case --------------------------------------------------------
@pytest.mark.parametrize("check_id", list(CHECKS))
def test_reference_passes_every_case(check_id):
    check = CHECKS[check_id]
    cases = cases_of(check)
    assert cases
    for case in cases:
        verdict = check.judge(case, reference_answer(check_id, case))
        assert verdict.passed, f"{case.label}: {verdict.message}"


# ---- wrong formulas fail, with a message that shows no expected number ---------------------------
def sigmoid(x):
    return 1 / (1 + np.exp(-x))


WRONG = {
    "sigmoid_derivative.sympy": [lambda x: sigmoid(x) * (1 + sigmoid(x)), lambda x: sigmoid(x) * (sigmoid(x) - 1),
                                 lambda x: x * (1 - x)],
    "tanh_derivative.sympy": [lambda x: 1 - np.tanh(x), lambda x: (1 - np.tanh(x) ** 2) ** 2, lambda x: 1 - x ** 2],
    "hidden_jacobian.sympy": [
        lambda h, W, activation: np.diag(1 - h ** 2) @ W,                     # missing transpose
        lambda h, W, activation: W.T @ np.diag(1 - h ** 2),                   # scales columns
        lambda h, W, activation: np.diag(h) @ W.T,                            # the state, not phi'
    ],
}


@pytest.mark.parametrize("check_id", list(WRONG))
@pytest.mark.parametrize("k", range(3))
def test_wrong_formula_fails_without_showing_expected_numbers(check_id, k):
    check, wrong = CHECKS[check_id], WRONG[check_id][k]
    cases = cases_of(check)
    failed = 0
    for case in cases:
        got = wrong(*case.args, **case.kwargs)
        verdict = check.judge(case, answer(output=got))
        if verdict.passed:
            continue
        failed += 1
        assert "The derivation: " in verdict.message and "differs in" in verdict.message
        leaked = [v for v in expected_numbers(case, check_id) if v in verdict.message]
        assert leaked == [], f"expected values in the feedback: {leaked}\n{verdict.message}"
        assert re.search(r"\d\.\d", verdict.message) is None, f"a number in the feedback:\n{verdict.message}"
    assert failed >= len(cases) // 2, f"only {failed} of {len(cases)} cases fail"


def bptt_wrong(case: Case, bug: str) -> CallResult:
    dx, dh0, grads = ref().rnn_backward(*case.args)
    if bug == "averaged":
        grads = {k: v / case.args[2].shape[0] for k, v in grads.items()}
    elif bug == "no_dh0":
        dh0 = np.zeros_like(dh0)
    elif bug == "transposed_W_hh":
        grads["W_hh"] = grads["W_hh"].T
    return answer(dx=dx, dh0=dh0, **{f"grads[{k!r}]": v for k, v in grads.items()})


@pytest.mark.parametrize("bug, names", [("averaged", ["dW_xh", "dW_hh", "db_h", "dW_hy", "db_y"]),
                                        ("no_dh0", ["dh0"]), ("transposed_W_hh", ["dW_hh"])])
def test_bptt_bug_fails_and_names_the_wrong_gradients_only(bug, names):
    check = CHECKS["rnn_backward.sympy"]
    verdicts = [(case, check.judge(case, bptt_wrong(case, bug))) for case in cases_of(check)]
    failing = [(c, v) for c, v in verdicts if not v.passed]
    assert failing
    for case, v in failing:
        named = re.findall(r"^- (\S+) differs", v.message, flags=re.M)
        assert set(named) <= set(names) and named, v.message
        assert [x for x in expected_numbers(case, "rnn_backward.sympy") if x in v.message] == []
        assert re.search(r"\d\.\d", v.message) is None, v.message
        assert "L = sum(dh * h) + sum(dy * y)" in v.message


def test_feedback_shows_the_symbolic_form():
    check = CHECKS["hidden_jacobian.sympy"]
    case = next(c for c in cases_of(check) if c.kwargs["activation"] == "tanh" and c.args[0].shape[0] > 1)
    h, W = case.args
    message = check.judge(case, answer(output=np.diag(1 - h ** 2) @ W)).message
    assert "J = diag(1 - h_t^2) W_hh^T" in message and "(1 - h_t[i]**2)*W_hh[j, i]" in message
    check = CHECKS["sigmoid_derivative.sympy"]
    case = cases_of(check)[0]
    message = check.judge(case, answer(output=np.zeros_like(case.args[0]))).message
    assert "sigma'(x) = sigma(x) (1 - sigma(x))" in message


# ---- answers that are not numbers of the right shape -------------------------------------------
def test_missing_wrong_shape_and_non_finite_answers_fail_clearly():
    check = CHECKS["hidden_jacobian.sympy"]
    case = cases_of(check)[0]
    H = case.args[0].shape[0]
    assert "missing" in check.judge(case, CallResult("ok")).message
    assert "shape" in check.judge(case, answer(output=np.zeros((H, H + 1)))).message
    assert "non-finite" in check.judge(case, answer(output=np.full((H, H), np.nan))).message
    problem = CallResult("ok", leaves={"output": {"problem": "returned a list of lists, not a NumPy array"}})
    assert "a list of lists" in check.judge(case, problem).message


def test_size_of_difference_gives_the_decade_only():
    assert S.size_of_difference(0.0042, "J").startswith("the largest difference is about 1e-3 times")
    assert S.size_of_difference(0.5, "J").startswith("the largest difference is about 1e-1 times")
    assert "or larger" in S.size_of_difference(3.7, "J")


def test_a_bptt_case_without_a_derivation_is_a_grader_error_not_a_student_failure():
    case = Case((np.zeros((1, 1, 1)), np.zeros((1, 1, 1)), np.zeros((1, 1, 1)), np.zeros((1, 1)),
                 np.zeros((1, 1, 1)), {"W_xh": np.zeros((1, 1)), "W_hh": np.zeros((1, 1)), "b_h": np.zeros(1),
                                       "W_hy": np.zeros((1, 1)), "b_y": np.zeros(1)}))
    with pytest.raises(LookupError, match="BPTT_SIZES"):
        S.bptt_judge(case, answer())
