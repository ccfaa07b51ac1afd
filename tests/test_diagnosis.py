"""Misconception diagnosis (autograder/diagnosis): the catalogue, its models, and what students get.

- The catalogue: every code of the issue is there; entries name real checks; sentences point to
  handout sections that exist.
- The models: with no switch set they are the reference; each fails exactly the checks its entry
  lists; models with different codes are told apart by the grader's inputs.
- Buggy functions written here as students would (loops, einsum, column vectors...), independently
  of the models, each receive their one code and nothing else; correct functions in other styles
  and buggy functions outside the catalogue receive none. These run in this process on the
  grader's real cases and checks (fast); tests at the end grade whole submissions
  (tests/diagnosis_fixtures/) through the real pipeline.
"""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from autograder.assignments.rnn_bptt.contract import BY_NAME, FUNCTIONS
from autograder.assignments.rnn_bptt.diagnosis import clipping as DC
from autograder.assignments.rnn_bptt.diagnosis import jacobian as DJ
from autograder.assignments.rnn_bptt.diagnosis import rnn as DR
from autograder.diagnosis import catalogue, codes, diagnose
from autograder.diagnosis.answers import agree, run_trusted
from autograder.engine.cases import Draw
from autograder.engine.checks import all_checks, all_probes
from autograder.engine.scoring import call_problem, feedback, score_check
from autograder.outputs.results import to_gradescope
from autograder.pipeline.grade import build_cases, grade_submission

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "diagnosis_fixtures"
HANDOUT = ROOT / "assignments" / "rnn_bptt" / "handout.md"

ISSUE_CODES = """
sigmoid_derivative_sign derivative_formula_applied_to_preactivation sigmoid_overflow derivative_squared
jacobian_slide_typo missing_hidden_bias no_recurrence transposed_recurrent_weight stores_preactivation
activation_on_output_layer wrong_hidden_activation missing_activation_derivative
activation_derivative_at_wrong_step no_gradient_through_time recurrent_weight_grad_uses_current_state
ignores_output_gradient averages_over_batch overwrites_instead_of_accumulating carry_missing_transpose
missing_initial_state_gradient gradient_from_last_step_only mutates_input jacobian_missing_transpose
jacobian_scales_columns jacobian_uses_state_not_derivative ignores_activation_argument jacobian_product_order
spectral_radius_instead_of_singular_value frobenius_instead_of_spectral_norm wrong_gamma elementwise_clipping
per_tensor_clipping rescales_small_gradients squared_norm zero_norm_division wrong_norm missing_validation
""".split()

# The checks the diagnosis reads: all but those of a probe run last (the realistic-size BPTT case is
# judged against the reference only, and no model runs on it).
CHECKS = [c for c in all_checks() if not any(all_probes()[p].last for p in getattr(c, "probes", (c.probe,)))]
MODELS = [e for e in catalogue() if e.model is not None]


@pytest.fixture(scope="module")
def cases():
    return build_cases(Draw(b"diagnosis tests"))


def probes_of(function: str) -> list[str]:
    return sorted({p for c in CHECKS if c.function == function for p in check_probes(c)})


def check_probes(check) -> tuple[str, ...]:
    return getattr(check, "probes", (check.probe,))


def judged(check, cases, results) -> tuple[list, list]:
    """The cases a check judges and the answers to them (a check may read several probes)."""
    return ([c for p in check_probes(check) for c in cases[p]], [r for p in check_probes(check) for r in results[p]])


def outcomes_of(function: str, cases, results) -> list:
    return [score_check(c, *judged(c, cases, results)) for c in CHECKS if c.function == function]


def run_in_process(cases, function: str, fn) -> dict:
    """fn's answers on the grader's cases, as the worker reports them (fn is test code: trusted)."""
    schema = BY_NAME[function].schema
    return {p: [run_trusted(fn, case, schema) for case in cases[p]] for p in probes_of(function)}


@pytest.fixture(scope="module")
def answers_of(cases):
    """Each model's answers, computed once for the module's tests."""
    memo: dict[str, dict] = {}

    def answers(entry) -> dict:
        if entry.name not in memo:
            memo[entry.name] = run_in_process(cases, entry.function, entry.model)
        return memo[entry.name]

    return answers


def grade_in_process(cases, function: str, fn, results: dict | None = None):
    """The function's outcomes (real checks) and diagnoses, without a worker."""
    results = results or run_in_process(cases, function, fn)
    outcomes = outcomes_of(function, cases, results)
    log: list[str] = []
    found = diagnose(outcomes, cases, results, log)
    assert log == []
    return outcomes, found


def codes_in(found: dict) -> set[str]:
    return {code for pairs in found.values() for code, _ in pairs}


# ---- the catalogue -----------------------------------------------------------------------------
def test_every_code_of_the_issue_is_in_the_catalogue():
    assert set(ISSUE_CODES) <= codes(), sorted(set(ISSUE_CODES) - codes())


def test_entries_name_checks_of_their_own_function_and_are_unique():
    check_ids = {c.id: c.function for c in CHECKS}
    names = [e.name for e in catalogue()]
    assert len(names) == len(set(names)), "two entries share code, function and variant"
    for e in catalogue():
        assert e.function in BY_NAME
        assert re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", e.code), e.code
        for cid in e.checks:
            assert check_ids.get(cid) == e.function, f"{e.name} lists {cid}"


def handout_sections() -> set[str]:
    return set(re.findall(r"^#{2,3} (\d+(?:\.\d+)?)\.? ", HANDOUT.read_text(encoding="utf-8"), flags=re.M))


@pytest.mark.parametrize("entry", catalogue(), ids=lambda e: e.name)
def test_sentences_are_for_students_and_point_to_existing_handout_sections(entry):
    s = entry.sentence
    cited = re.findall(r"§(\d+(?:\.\d+)?)", s)
    assert "(handout §" in s and cited, s
    assert set(cited) <= handout_sections(), (set(cited) - handout_sections(), s)
    assert not re.search(r"<J|\{[A-Za-z_]+\}|  ", s), s     # no placeholder left, no double space
    assert s[0].isupper() and s.endswith(")."), s
    assert 80 <= len(s) <= 520, (len(s), s)


# ---- the models --------------------------------------------------------------------------------
BASES = {  # the switch-free models, which must be the reference itself
    "rnn_forward": DR.forward, "rnn_backward": DR.backward, "hidden_jacobian": DJ.hidden_jacobian,
    "jacobian_through_time": DJ.jacobian_through_time, "gradient_bound": DJ.gradient_bound,
    "classify_gradient_regime": DJ.classify_gradient_regime, "clip_grad_norm": DC.clip,
}


@pytest.mark.parametrize("function", sorted(BASES))
def test_models_without_a_mistake_are_the_reference(cases, function):
    from autograder.assignments.rnn_bptt.reference import ref as load

    ref = run_in_process(cases, function, getattr(load(), function))
    base = run_in_process(cases, function, BASES[function])
    for probe in ref:
        for r, b in zip(ref[probe], base[probe]):
            assert r.status == b.status
            assert all(agree(b.leaf(path), leaf) for path, leaf in r.leaves.items()), probe


def failed_checks(cases, function: str, results: dict) -> set[str]:
    failed = set()
    for check in (c for c in CHECKS if c.function == function):
        for case, result in zip(*judged(check, cases, results)):
            verdict = call_problem(check, result) or check.judge(case, result)
            if not verdict.passed:
                failed.add(check.id)
    return failed


@pytest.mark.parametrize("entry", MODELS, ids=lambda e: e.name)
def test_each_model_fails_exactly_the_checks_its_entry_lists(cases, answers_of, entry):
    assert failed_checks(cases, entry.function, answers_of(entry)) == set(entry.checks)


@pytest.mark.parametrize("function", sorted({e.function for e in MODELS}))
def test_models_with_different_codes_are_told_apart_by_the_grader_inputs(answers_of, function):
    answers = {e: answers_of(e) for e in MODELS if e.function == function}
    entries = list(answers)
    for i, a in enumerate(entries):
        for b in entries[i + 1:]:
            if a.code == b.code:
                continue
            differ = any(ra.status == "ok" and rb.status == "ok"
                         and not all(agree(rb.leaf(p), leaf) for p, leaf in ra.leaves.items())
                         for probe in answers[a] for ra, rb in zip(answers[a][probe], answers[b][probe]))
            assert differ, f"{a.name} and {b.name} give the same answers on every case"


@pytest.mark.parametrize("entry", MODELS, ids=lambda e: e.name)
def test_a_model_playing_the_student_gets_its_own_code_on_every_failing_check(cases, answers_of, entry):
    # Circular by design (the independent buggy functions are below): this checks the selection,
    # i.e. that no other entry wins or joins when the mistake is exactly this one.
    outcomes, found = grade_in_process(cases, entry.function, entry.model, answers_of(entry))
    failing = {o.check.id for o in outcomes if not o.ok}
    assert set(found) == failing
    assert codes_in(found) == {entry.code}


# ---- buggy functions, written as students would ---------------------------------------------------
def stable_sigmoid(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_where_both_branches(x):
    x = np.asarray(x, dtype=float)
    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))


def sigmoid_math_exp(x):       # math.exp raises OverflowError where np.exp would warn
    return np.vectorize(lambda v: 1.0 / (1.0 + math.exp(-v)))(np.asarray(x, dtype=float))


def sigmoid_flipped(x):
    return 0.5 * (1.0 - np.tanh(np.asarray(x) / 2.0))


def sigmoid_in_place(x):
    x *= -1.0
    return stable_sigmoid(-x)


def sigmoid_derivative_plus(x):
    s = 0.5 * (1 + np.tanh(0.5 * np.asarray(x, dtype=float)))
    return s + s ** 2


def sigmoid_derivative_negated_naive(x):      # a sign slip that also overflows at x = -1000
    e = np.exp(-x)
    return -e / (1 + e) ** 2


def sigmoid_derivative_of_preactivation(x):
    return x - x * x


def sigmoid_derivative_naive(x):
    return np.exp(-x) / (1.0 + np.exp(-x)) ** 2


def tanh_derivative_of_preactivation(x):
    return 1.0 - np.square(x)


def tanh_derivative_sech4(x):
    return 1.0 / np.cosh(x) ** 4


def tanh_derivative_slide(x):
    t = np.tanh(x)
    return (1 - t) * (1 - t)


def tanh_derivative_from_exp(x):
    e, f = np.exp(x), np.exp(-x)
    t = (e - f) / (e + f)
    return 1 - t * t


def tanh_derivative_in_place(x):
    np.tanh(x, out=x)
    x *= x
    return 1.0 - x


def student_forward(x, h0, params, bug=None):
    """A student's forward pass (batch loop over time); `bug` switches one line to a mistake."""
    W_xh, W_hh, b_h, W_hy, b_y = (params[k] for k in ("W_xh", "W_hh", "b_h", "W_hy", "b_y"))
    N, T, D = x.shape
    out_h, prev = [], h0
    for t in range(T):
        pre = x[:, t, :] @ W_xh + prev @ W_hh + b_h
        if bug == "no_bias":
            pre = np.einsum("nd,dh->nh", x[:, t, :], W_xh) + np.einsum("nk,kh->nh", prev, W_hh)
        if bug == "h0_each_step":
            pre = x[:, t, :] @ W_xh + h0 @ W_hh + b_h
        if bug == "column_vectors":
            pre = (W_xh.T @ x[:, t, :].T + W_hh @ prev.T + b_h[:, None]).T
        state = 1 / (1 + np.exp(-pre)) if bug == "sigmoid" else np.tanh(pre)
        out_h.append(pre if bug == "stores_z" else state)
        prev = state
    if bug == "includes_h0":
        out_h = [h0] + out_h[:-1]
    h = np.stack(out_h, axis=1)
    y = h @ W_hy + b_y
    if bug == "tanh_output":
        y = np.tanh(y)
    if bug == "no_output_bias":
        y = h @ W_hy
    return h, y


def forward_updates_h0(x, h0, params):
    prev, hs = h0, []
    for t in range(x.shape[1]):
        prev[:] = np.tanh(x[:, t] @ params["W_xh"] + prev @ params["W_hh"] + params["b_h"])
        hs.append(prev.copy())
    h = np.stack(hs, axis=1)
    return h, h @ params["W_hy"] + params["b_y"]


def student_backward(dh, dy, x, h0, h, params, bug=None):
    """A student's BPTT (loop backwards over time, einsum for the output layer); `bug` switches
    one line to a mistake."""
    W_xh, W_hh, b_h, W_hy = params["W_xh"], params["W_hh"], params["b_h"], params["W_hy"]
    N, T, D = x.shape
    dW_xh, dW_hh, db_h = np.zeros_like(W_xh), np.zeros_like(W_hh), np.zeros_like(b_h)
    dx = np.zeros_like(x)
    dW_hy = np.einsum("nth,nto->ho", h, dy)
    db_y = np.einsum("nto->o", dy)
    if bug == "last_step_W_hy":
        dW_hy = h[:, -1].T @ dy[:, -1]
    if bug == "mean_b_y":
        db_y = dy.mean(axis=0).sum(axis=0)
    if bug == "in_place_dh":
        dh += np.einsum("nto,ho->nth", dy, W_hy)
    dnext = np.zeros_like(h0)
    for t in range(T - 1, -1, -1):
        prev = h0 if t == 0 else h[:, t - 1]
        if bug == "wrapped_prev":
            prev = h[:, t - 1]
        from_output = 0 if bug in ("no_dy", "in_place_dh") else dy[:, t] @ W_hy.T
        from_above = 0 if bug == "no_dh" else dh[:, t]
        total = from_above + from_output + (0 if bug == "no_carry" else dnext)
        local = {"no_derivative": 1.0, "squared": (1 - h[:, t] ** 2) ** 2, "slide": (1 - h[:, t]) ** 2,
                 "tanh_of_state": 1 - np.tanh(h[:, t]) ** 2, "sigmoid_derivative": h[:, t] * (1 - h[:, t]),
                 "previous_state": 1 - h[:, t - 1] ** 2,
                 "preactivation": 1 - (x[:, t] @ W_xh + prev @ W_hh + b_h) ** 2}.get(bug, 1 - h[:, t] ** 2)
        da = total * local
        if bug == "carry_after_derivative":
            da = (from_above + from_output) * local + dnext
        dx[:, t] = da @ W_xh.T
        if bug == "overwrite_W_xh":
            dW_xh = x[:, t].T @ da
        else:
            dW_xh += x[:, t].T @ da
        if bug == "current_state":
            dW_hh += h[:, t].T @ da
        elif bug == "transposed_dW_hh":
            dW_hh += da.T @ prev
        else:
            dW_hh += prev.T @ da
        db_h += da.mean(axis=0) if bug == "mean_b_h" else da.sum(axis=0)
        dnext = da @ W_hh if bug == "carry_without_transpose" else da @ W_hh.T
        if bug == "carry_derivative_twice":
            dnext = dnext * (1 - prev ** 2)
    dh0 = np.zeros_like(h0) if bug == "dh0_zero" else dnext
    return dx, dh0, {"W_xh": dW_xh, "W_hh": dW_hh, "b_h": db_h, "W_hy": dW_hy, "b_y": db_y}


def backward_column_convention(dh, dy, x, h0, h, params):
    """Derived for h_t = tanh(W h_{t-1} + ...) with W = W_hh, i.e. the forward pass transposed."""
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    T = x.shape[1]
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dx, carry = np.zeros_like(x), np.zeros_like(h0)
    for t in reversed(range(T)):
        prev = h[:, t - 1] if t else h0
        delta = (dh[:, t] + dy[:, t] @ W_hy.T + carry) * (1 - h[:, t] ** 2)
        dx[:, t] = delta @ W_xh.T
        grads["W_xh"] += x[:, t].T @ delta
        grads["W_hh"] += np.einsum("ni,nj->ij", delta, prev)
        grads["b_h"] += delta.sum(0)
        carry = delta @ W_hh
    grads["W_hy"] = np.einsum("nth,nto->ho", h, dy)
    grads["b_y"] = dy.sum((0, 1))
    return dx, carry, grads


def student_jacobian(h_t, W_hh, activation="tanh", bug=None):
    """J[i, j] = phi'_i W_hh[j, i] entry by entry; `bug` switches one line to a mistake."""
    H = len(h_t)
    if activation == "tanh" or bug == "always_tanh":
        d = {"state": h_t, "slide": (1 - h_t) ** 2, "squared": (1 - h_t ** 2) ** 2,
             "tanh_derivative_of_state": 1 - np.tanh(h_t) ** 2}.get(bug, 1 - h_t ** 2)
    else:
        d = h_t if bug == "state" else h_t * (1 - h_t)
    J = np.empty((H, H))
    for i in range(H):
        for j in range(H):
            J[i, j] = {"no_transpose": d[i] * W_hh[i, j], "columns": W_hh[j, i] * d[j],
                       "transposed": d[j] * W_hh[i, j]}.get(bug, d[i] * W_hh[j, i])
    return J


def right_jacobian(h_t, W_hh, activation="tanh"):
    return student_jacobian(h_t, W_hh, activation)


def student_product(hs, W_hh, k, t, activation="tanh", bug=None):
    if bug == "k_equals_t" and k == t:
        return right_jacobian(hs[t], W_hh, activation)
    J = np.eye(W_hh.shape[0])
    steps = range(k, t) if bug == "shifted" else range(k + 1, t + 1)
    for i in steps:
        step = right_jacobian(hs[i], W_hh) if bug == "no_activation" else right_jacobian(hs[i], W_hh, activation)
        if bug == "inline_no_transpose":
            step = np.diag(1 - hs[i] ** 2 if activation == "tanh" else hs[i] * (1 - hs[i])) @ W_hh
        if bug == "notes_left_to_right":     # the notes' W^T diag(phi') with W = W_hh.T, left to right
            step = W_hh * (1 - hs[i] ** 2 if activation == "tanh" else hs[i] * (1 - hs[i]))
        J = J @ step if bug in ("oldest_left", "notes_left_to_right") else step @ J
    return J


def student_bound(W_hh, steps, activation="tanh", bug=None):
    gamma = 1.0 if activation == "tanh" else (0.5 if bug == "gamma_half" else 0.25)
    lam = {"eig": lambda: max(abs(np.linalg.eigvals(W_hh))),
           "fro": lambda: np.sqrt(np.sum(W_hh ** 2))}.get(bug, lambda: np.linalg.svd(W_hh)[1][0])()
    return float((gamma * lam) ** steps)


def student_regime(W_hh, activation="tanh", bug=None):
    gamma = 1.0 if activation == "tanh" else 0.25
    lam = max(abs(np.linalg.eigvals(W_hh))) if bug == "eig" else np.linalg.norm(W_hh, 2)
    if bug == "reversed":
        return "may_explode" if gamma * lam < 1 else "vanishing"
    return "vanishing" if gamma * lam < 1 else ("exploding" if bug == "label" else "may_explode")


def student_clip(grads, max_norm, bug=None):
    if bug == "assert":
        assert max_norm > 0, "max_norm must be positive"
    elif bug != "no_validation" and max_norm <= 0:
        raise ValueError("max_norm must be positive")
    total = np.sqrt(np.sum([np.sum(g ** 2) for g in grads.values()]))
    if bug == "no_sqrt":
        total = np.sum([np.sum(g ** 2) for g in grads.values()])
    if bug == "l1":
        total = np.sum([np.abs(g).sum() for g in grads.values()])
    if bug == "elementwise":
        return {k: np.clip(g, -max_norm, max_norm) for k, g in grads.items()}, float(total)
    if bug == "per_tensor":
        norms = {k: np.linalg.norm(g) for k, g in grads.items()}
        return {k: g * min(1.0, max_norm / n) if n > 0 else g.copy() for (k, g), n in
                zip(grads.items(), norms.values())}, float(total)
    if bug == "in_place":
        for g in grads.values():
            g *= min(1.0, max_norm / total) if total > 0 else 1.0
        return dict(grads), float(total)
    if bug == "always":
        scale = max_norm / total
    elif bug == "unguarded":
        scale = min(1.0, max_norm / total)
    elif bug == "python_float":
        scale = min(1.0, max_norm / float(total))
    else:
        scale = max_norm / total if total > max_norm else 1.0
    clipped = {k: g * scale for k, g in grads.items()}
    if bug == "reports_after":
        total = np.sqrt(sum(np.sum(g ** 2) for g in clipped.values()))
    return clipped, float(total)


def with_bug(fn, bug):
    def buggy(*args, **kwargs):
        return fn(*args, **kwargs, bug=bug)

    return buggy


BUGGY = [  # (function, student code, the one code it should receive)
    ("sigmoid", sigmoid_where_both_branches, "sigmoid_overflow"),
    ("sigmoid", sigmoid_math_exp, "sigmoid_overflow"),
    ("sigmoid", sigmoid_flipped, "sigmoid_sign_flip"),
    ("sigmoid", sigmoid_in_place, "mutates_input"),
    ("sigmoid_derivative", sigmoid_derivative_plus, "sigmoid_derivative_sign"),
    ("sigmoid_derivative", sigmoid_derivative_negated_naive, "sigmoid_derivative_sign"),
    ("sigmoid_derivative", sigmoid_derivative_of_preactivation, "derivative_formula_applied_to_preactivation"),
    ("sigmoid_derivative", sigmoid_derivative_naive, "sigmoid_overflow"),
    ("tanh_derivative", tanh_derivative_of_preactivation, "derivative_formula_applied_to_preactivation"),
    ("tanh_derivative", tanh_derivative_sech4, "derivative_squared"),
    ("tanh_derivative", tanh_derivative_slide, "jacobian_slide_typo"),
    ("tanh_derivative", tanh_derivative_from_exp, "tanh_overflow"),
    ("tanh_derivative", tanh_derivative_in_place, "mutates_input"),
    *[("rnn_forward", with_bug(student_forward, bug), code) for bug, code in [
        ("no_bias", "missing_hidden_bias"), ("h0_each_step", "no_recurrence"),
        ("column_vectors", "transposed_recurrent_weight"), ("stores_z", "stores_preactivation"),
        ("tanh_output", "activation_on_output_layer"), ("sigmoid", "wrong_hidden_activation"),
        ("includes_h0", "off_by_one_in_time"), ("no_output_bias", "missing_output_bias")]],
    ("rnn_forward", forward_updates_h0, "mutates_input"),
    *[("rnn_backward", with_bug(student_backward, bug), code) for bug, code in [
        ("no_derivative", "missing_activation_derivative"), ("squared", "derivative_squared"),
        ("slide", "jacobian_slide_typo"), ("preactivation", "derivative_formula_applied_to_preactivation"),
        ("tanh_of_state", "derivative_applied_to_state"), ("sigmoid_derivative", "wrong_hidden_activation"),
        ("previous_state", "activation_derivative_at_wrong_step"), ("no_carry", "no_gradient_through_time"),
        ("carry_without_transpose", "carry_missing_transpose"), ("no_dy", "ignores_output_gradient"),
        ("no_dh", "ignores_hidden_gradient"), ("carry_after_derivative", "derivative_misapplied_to_carry"),
        ("carry_derivative_twice", "derivative_misapplied_to_carry"),
        ("current_state", "recurrent_weight_grad_uses_current_state"), ("wrapped_prev", "off_by_one_in_time"),
        ("transposed_dW_hh", "transposed_weight_gradient"), ("dh0_zero", "missing_initial_state_gradient"),
        ("mean_b_h", "averages_over_batch"), ("mean_b_y", "averages_over_batch"),
        ("overwrite_W_xh", "overwrites_instead_of_accumulating"), ("last_step_W_hy", "gradient_from_last_step_only"),
        ("in_place_dh", "mutates_input")]],
    ("rnn_backward", backward_column_convention, "transposed_recurrent_weight"),
    *[("hidden_jacobian", with_bug(student_jacobian, bug), code) for bug, code in [
        ("no_transpose", "jacobian_missing_transpose"), ("columns", "jacobian_scales_columns"),
        ("transposed", "jacobian_transposed"), ("state", "jacobian_uses_state_not_derivative"),
        ("slide", "jacobian_slide_typo"), ("squared", "derivative_squared"),
        ("tanh_derivative_of_state", "derivative_applied_to_state"), ("always_tanh", "ignores_activation_argument")]],
    *[("jacobian_through_time", with_bug(student_product, bug), code) for bug, code in [
        ("oldest_left", "jacobian_product_order"), ("shifted", "activation_derivative_at_wrong_step"),
        ("no_activation", "ignores_activation_argument"), ("k_equals_t", "empty_product_not_identity"),
        ("inline_no_transpose", "jacobian_missing_transpose"), ("notes_left_to_right", "jacobian_product_transposed")]],
    *[("gradient_bound", with_bug(student_bound, bug), code) for bug, code in [
        ("eig", "spectral_radius_instead_of_singular_value"), ("fro", "frobenius_instead_of_spectral_norm"),
        ("gamma_half", "wrong_gamma")]],
    *[("classify_gradient_regime", with_bug(student_regime, bug), code) for bug, code in [
        ("eig", "spectral_radius_instead_of_singular_value"), ("reversed", "regime_condition_reversed"),
        ("label", "wrong_regime_label")]],
    *[("clip_grad_norm", with_bug(student_clip, bug), code) for bug, code in [
        ("elementwise", "elementwise_clipping"), ("per_tensor", "per_tensor_clipping"),
        ("always", "rescales_small_gradients"), ("no_sqrt", "squared_norm"), ("unguarded", "zero_norm_division"),
        ("python_float", "zero_norm_division"),
        ("l1", "wrong_norm"), ("no_validation", "missing_validation"), ("assert", "wrong_exception_type"),
        ("in_place", "mutates_input"), ("reports_after", "norm_after_clipping")]],
]


def bug_id(item) -> str:
    function, fn, code = item
    return f"{function}-{getattr(fn, '__name__', '')}-{code}"


def test_every_code_of_the_catalogue_has_an_independent_buggy_function():
    assert codes() == {code for _, _, code in BUGGY}, codes() ^ {code for _, _, code in BUGGY}


@pytest.mark.parametrize("item", BUGGY, ids=bug_id)
def test_a_buggy_function_receives_its_one_code(cases, item):
    function, fn, code = item
    outcomes, found = grade_in_process(cases, function, fn)
    failing = {o.check.id for o in outcomes if not o.ok}
    assert failing, "the bug should fail some check"
    assert codes_in(found) == {code}, found
    assert set(found) <= failing, "a passing check was diagnosed"


def test_two_mistakes_in_different_outputs_get_both_codes_each_on_its_own_tests(cases):
    def two_bugs(dh, dy, x, h0, h, params):
        dx, dh0, grads = student_backward(dh, dy, x, h0, h, params, bug="current_state")
        grads["b_y"] = dy.sum(axis=(0, 1)) / x.shape[0]
        return dx, dh0, grads

    _, found = grade_in_process(cases, "rnn_backward", two_bugs)
    assert [c for c, _ in found["rnn_backward.W_hh"]] == ["recurrent_weight_grad_uses_current_state"]
    assert [c for c, _ in found["rnn_backward.b_y"]] == ["averages_over_batch"]
    assert {c for c, _ in found["rnn_backward.finite_differences"]} == {
        "recurrent_weight_grad_uses_current_state", "averages_over_batch"}


# ---- no diagnosis: correct styles, mistakes outside the catalogue, stubs ----------------------
def sigmoid_derivative_both_sides(x):
    return stable_sigmoid(x) * stable_sigmoid(-np.asarray(x))


def einsum_backward(dh, dy, x, h0, h, params):
    dx, dh0, grads = student_backward(dh, dy, x, h0, h, params)
    return dx.copy(), dh0, {k: np.array(v) for k, v in grads.items()}


CORRECT = [
    ("sigmoid", stable_sigmoid), ("sigmoid", lambda x: 0.5 + 0.5 * np.tanh(np.asarray(x) / 2)),
    ("sigmoid_derivative", sigmoid_derivative_both_sides),
    ("sigmoid_derivative", lambda x: 0.25 / np.cosh(np.asarray(x) / 2) ** 2 if np.all(np.abs(x) < 700)
     else stable_sigmoid(x) * stable_sigmoid(-np.asarray(x))),
    ("tanh_derivative", lambda x: 1 - np.tanh(x) ** 2),
    ("rnn_forward", student_forward), ("rnn_backward", einsum_backward),
    ("hidden_jacobian", right_jacobian), ("hidden_jacobian", lambda h, W, activation="tanh":
                                          np.einsum("i,ji->ij", 1 - h ** 2 if activation == "tanh" else h - h * h, W)),
    ("jacobian_through_time", student_product), ("gradient_bound", student_bound),
    ("classify_gradient_regime", student_regime), ("clip_grad_norm", student_clip),
]


@pytest.mark.parametrize("item", CORRECT, ids=lambda item: item[0])
def test_correct_functions_in_other_styles_pass_without_diagnosis(cases, item):
    function, fn = item
    outcomes, found = grade_in_process(cases, function, fn)
    assert all(o.ok for o in outcomes), [o.name for o in outcomes if not o.ok]
    assert found == {}


OUTSIDE = [  # wrong, but none of the catalogue's mistakes: no diagnosis rather than a wrong one
    ("sigmoid", lambda x: np.clip(0.25 * np.asarray(x) + 0.5, 0.0, 1.0)),            # "hard sigmoid"
    ("tanh_derivative", lambda x: 1 - np.tanh(x)),
    ("rnn_backward", lambda *a: tuple(v * 2 if isinstance(v, np.ndarray) else v for v in student_backward(*a))),
    ("hidden_jacobian", lambda h, W, activation="tanh": 0.5 * W.T),
    ("classify_gradient_regime", lambda W, activation="tanh": "vanishing"),         # always one answer
    ("classify_gradient_regime", lambda W, activation="tanh": "may_explode"),
    ("clip_grad_norm", lambda g, m: halves(g, m)),
]


def halves(grads, max_norm):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    return {k: v * 0.5 for k, v in grads.items()}, 1.0


@pytest.mark.parametrize("item", OUTSIDE, ids=lambda item: item[0])
def test_mistakes_outside_the_catalogue_get_no_diagnosis(cases, item):
    function, fn = item
    outcomes, found = grade_in_process(cases, function, fn)
    assert not all(o.ok for o in outcomes)
    assert found == {}


@pytest.mark.parametrize("function", [f.name for f in FUNCTIONS])
def test_an_unimplemented_stub_gets_no_diagnosis(cases, function):
    def stub(*args, **kwargs):
        raise NotImplementedError

    _, found = grade_in_process(cases, function, stub)
    assert found == {}


def test_a_model_that_raises_rules_itself_out(cases, monkeypatch):
    from autograder.diagnosis import explain
    from autograder.diagnosis.registry import mistake

    def broken_model(x):
        raise RuntimeError("a bug in a model")

    broken = mistake("broken_entry", "tanh_derivative", "values", "Broken (handout §2).", model=broken_model)
    real = explain.entries_for
    monkeypatch.setattr(explain, "entries_for",
                        lambda function, assignment=None: [broken, *real(function, assignment)])
    _, found = grade_in_process(cases, "tanh_derivative", tanh_derivative_of_preactivation)
    assert codes_in(found) == {"derivative_formula_applied_to_preactivation"}


def test_a_diagnosis_that_breaks_is_logged_and_never_breaks_grading(cases, monkeypatch):
    import autograder.diagnosis as package

    results = run_in_process(cases, "tanh_derivative", tanh_derivative_of_preactivation)
    outcomes = outcomes_of("tanh_derivative", cases, results)
    monkeypatch.setattr(package, "explanation", lambda view: 1 / 0)
    log: list[str] = []
    assert diagnose(outcomes, cases, results, log) == {}
    assert len(log) == 1 and "tanh_derivative" in log[0] and "ZeroDivisionError" in log[0]


def test_the_same_answers_get_the_same_diagnoses(cases):
    fn = with_bug(student_backward, "mean_b_y")
    results = run_in_process(cases, "rnn_backward", fn)
    outcomes = outcomes_of("rnn_backward", cases, results)
    first = diagnose(outcomes, cases, results)
    assert first and diagnose(outcomes, cases, results) == first == grade_in_process(cases, "rnn_backward", fn)[1]


# ---- whole submissions through the real pipeline ---------------------------------------------------
@pytest.fixture(scope="module")
def reports():
    names = ("correct_loops", "correct_vectorised", "bugs_a", "bugs_b")
    return {name: grade_submission(FIXTURES / name) for name in names}


@pytest.fixture(scope="module")
def pipeline(reports) -> dict[str, dict]:
    return {name: to_gradescope(report) for name, report in reports.items()}


def diagnosed(results: dict) -> dict[str, list[str]]:
    """function -> the codes on its tests, in test order, each once."""
    out: dict[str, list[str]] = {}
    for test in results["tests"]:
        for code in test.get("extra_data", {}).get("diagnosis", []):
            found = out.setdefault(test["name"].split(":")[0], [])
            if code not in found:
                found.append(code)
    return out


@pytest.mark.parametrize("name", ["correct_loops", "correct_vectorised"])
def test_correct_submissions_in_other_styles_score_100_with_no_diagnosis(pipeline, name):
    results = pipeline[name]
    assert results["score"] == 100
    assert diagnosed(results) == {}
    assert not any("Likely mistake" in t["output"] for t in results["tests"])


def test_each_buggy_function_of_a_submission_gets_its_code_and_helpers_are_not_blamed_twice(pipeline):
    assert diagnosed(pipeline["bugs_a"]) == {
        "sigmoid": ["sigmoid_overflow"],
        "tanh_derivative": ["derivative_formula_applied_to_preactivation"],
        "rnn_forward": ["missing_hidden_bias"],
        "rnn_backward": ["recurrent_weight_grad_uses_current_state"],
        "hidden_jacobian": ["jacobian_missing_transpose"],
        "gradient_bound": ["frobenius_instead_of_spectral_norm"],
        "clip_grad_norm": ["missing_validation"],
    }
    substituted = {t["name"].split(":")[0] for t in pipeline["bugs_a"]["tests"]
                   if "Graded with a correct" in t["output"]}
    assert {"sigmoid_derivative", "jacobian_through_time", "classify_gradient_regime"} <= substituted
    assert diagnosed(pipeline["bugs_b"]) == {
        "sigmoid_derivative": ["derivative_formula_applied_to_preactivation"],
        "tanh_derivative": ["mutates_input"],
        "rnn_forward": ["mutates_input"],
        "rnn_backward": ["overwrites_instead_of_accumulating", "averages_over_batch"],
        "jacobian_through_time": ["jacobian_product_order"],
        "gradient_bound": ["spectral_radius_instead_of_singular_value"],
        "classify_gradient_regime": ["wrong_regime_label"],
        "clip_grad_norm": ["zero_norm_division"],
    }


def test_diagnoses_sit_on_failing_tests_only_and_their_sentences_are_in_the_feedback(pipeline):
    sentences: dict[str, set[str]] = {}
    for e in catalogue():
        sentences.setdefault(e.code, set()).add(e.sentence)
    for results in (pipeline["bugs_a"], pipeline["bugs_b"]):
        json.dumps(results, allow_nan=False)
        for test in results["tests"]:
            found = test.get("extra_data", {}).get("diagnosis", [])
            if not found:
                assert "Likely mistake" not in test["output"]
                continue
            assert test["status"] == "failed" and test["score"] < test["max_score"]
            said = re.findall(r"^Likely mistake: (.*)$", test["output"], flags=re.M)
            assert len(said) == len(found)
            for code, sentence in zip(found, said):
                assert sentence in sentences[code]


def test_feedback_shows_the_failure_then_the_mistake_behind_it(reports):
    outcome = next(o for o in reports["bugs_a"].outcomes if o.check.id == "rnn_backward.W_hh")
    text = feedback(outcome)
    assert text.index("dW_hh") < text.index("Likely mistake: Your dW_hh looks like it was built from h_t")
