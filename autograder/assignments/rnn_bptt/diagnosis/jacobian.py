"""Misconceptions about jacobian.py: hidden_jacobian, jacobian_through_time, gradient_bound,
classify_gradient_regime (handout §5 and §6).

The models are the reference with switches (no switch: the reference's answers, checked by
tests/test_diagnosis.py). A mistake in the one-step Jacobian is also a mistake in a product
through time written without hidden_jacobian, so each hidden_jacobian entry has a
jacobian_through_time twin.
"""
from __future__ import annotations

from functools import partial

import numpy as np

from autograder.diagnosis import detectors as D
from autograder.diagnosis.registry import mistake
from autograder.engine.numerics import (
    LOGISTIC_PRIME_MAX,
    TANH_PRIME_MAX,
    logistic,
    logistic_prime_from_output,
    tanh_prime_from_output,
)

GAMMA = {"tanh": TANH_PRIME_MAX, "sigmoid": LOGISTIC_PRIME_MAX}   # by the activation argument's names

# diagonal: (tanh's, sigmoid's) phi' written from the state h
DIAGONALS = {
    "right": (tanh_prime_from_output, logistic_prime_from_output),
    "state": (lambda h: h, lambda h: h),
    "state_tanh": (lambda h: h, logistic_prime_from_output),
    "typo": (lambda h: (1.0 - h) ** 2, logistic_prime_from_output),
    "squared": (lambda h: tanh_prime_from_output(h) ** 2, logistic_prime_from_output),
    "squared_both": (lambda h: tanh_prime_from_output(h) ** 2, lambda h: logistic_prime_from_output(h) ** 2),
    "of_state": (lambda h: 1.0 - np.tanh(h) ** 2, lambda h: logistic(h) * (1.0 - logistic(h))),
    "of_state_tanh": (lambda h: 1.0 - np.tanh(h) ** 2, logistic_prime_from_output),
    "always_tanh": (tanh_prime_from_output, tanh_prime_from_output),
    "always_sigmoid": (logistic_prime_from_output, logistic_prime_from_output),
}

LAYOUTS = {
    "rows": lambda d, W: d[:, None] * W.T,          # diag(d) @ W_hh.T: the graded layout
    "no_transpose": lambda d, W: d[:, None] * W,    # diag(d) @ W_hh
    "columns": lambda d, W: W.T * d[None, :],       # W_hh.T @ diag(d)
    "transposed": lambda d, W: W * d[None, :],      # W_hh @ diag(d) = J.T
}


def hidden_jacobian(h_t, W_hh, activation="tanh", *, diagonal="right", layout="rows"):
    d = DIAGONALS[diagonal][0 if activation == "tanh" else 1](h_t)
    return LAYOUTS[layout](d, W_hh)


def jacobian_through_time(hs, W_hh, k, t, activation="tanh", *, step=hidden_jacobian, order="newest_left",
                          states="own", empty="identity", transposed=False):
    """order: "newest_left" (J_t ... J_{k+1}) or "oldest_left"; states: "own" (J_i from hs[i]) or
    "previous" (from hs[i-1]); empty: what comes back when k == t ("identity", "J_t", "zeros");
    transposed: the whole product transposed, J_{k+1}^T ... J_t^T (the notes' product read left to right)."""
    H = W_hh.shape[0]
    if k == t and empty != "identity":
        return np.zeros((H, H)) if empty == "zeros" else step(hs[t], W_hh, activation)
    J = np.eye(H)
    for i in range(k + 1, t + 1):
        J_i = step(hs[i - 1] if states == "previous" else hs[i], W_hh, activation)
        J = J_i @ J if order == "newest_left" else J @ J_i
    return J.T if transposed else J


def lambda_1(W_hh, norm="spectral"):
    if norm == "radius":
        return float(np.max(np.abs(np.linalg.eigvals(W_hh))))
    return float(np.linalg.norm(W_hh, "fro" if norm == "frobenius" else 2))


def gradient_bound(W_hh, steps, activation="tanh", *, norm="spectral", gamma=None, gamma_once=False,
                   steps0_is_one=True):
    g = (gamma or GAMMA)[activation]
    if steps == 0 and steps0_is_one:
        return 1.0
    lam = lambda_1(W_hh, norm)
    return float(g * lam ** steps if gamma_once else (g * lam) ** steps)


def classify_gradient_regime(W_hh, activation="tanh", *, norm="spectral", gamma=None, reverse=False):
    below = (gamma or GAMMA)[activation] * lambda_1(W_hh, norm) < 1.0
    return "vanishing" if below != reverse else "may_explode"


# ---- the catalogue ---------------------------------------------------------------------------
HJ, JT, GB, CR = "hidden_jacobian", "jacobian_through_time", "gradient_bound", "classify_gradient_regime"

# (code, variant, switches, checks, sentence): a mistake in one step's Jacobian, for hidden_jacobian
# and for a product through time that builds its J_i itself; <J> and <Jdiag> name the matrix
ONE_STEP = [
    ("jacobian_missing_transpose", "", {"layout": "no_transpose"}, ("tanh", "sigmoid"), """
        <J> looks like diag(phi') @ W_hh, without the transpose. With row vectors,
        d h_t[i] / d h_{t-1}[j] = phi'(z_t)[i] * W_hh[j, i], i.e. J = diag(phi') @ W_hh.T
        (handout §5.1)."""),
    ("jacobian_scales_columns", "", {"layout": "columns"}, ("tanh", "sigmoid"), """
        <J> looks like W_hh.T @ diag(phi'), which scales the columns: phi'(z_t)[i] belongs
        to row i, because it is h_t[i] that goes through the activation. J = diag(phi') @ W_hh.T,
        e.g. phi'[:, None] * W_hh.T (handout §5.1 and §5.2)."""),
    ("jacobian_transposed", "", {"layout": "transposed"}, ("tanh", "sigmoid"), """
        <J> is the transpose of the graded one: W_hh @ diag(phi') is the denominator
        layout. The graded layout is the numerator layout, J[i, j] = d h_t[i] / d h_{t-1}[j], i.e.
        J = diag(phi') @ W_hh.T (handout §1, §5.1 and §5.2)."""),
    ("jacobian_uses_state_not_derivative", "both", {"diagonal": "state"}, ("tanh", "sigmoid"), """
        <Jdiag> looks like the state h_t itself, where the derivative belongs:
        1 - h_t**2 for tanh, h_t * (1 - h_t) for the sigmoid. J = diag(phi'(z_t)) @ W_hh.T
        (handout §5.1)."""),
    ("jacobian_uses_state_not_derivative", "tanh", {"diagonal": "state_tanh"}, ("tanh",), """
        <Jdiag> (tanh) looks like the state h_t itself, where the derivative
        1 - h_t**2 belongs: J = diag(1 - h_t**2) @ W_hh.T (handout §5.1)."""),
    ("jacobian_slide_typo", "", {"diagonal": "typo"}, ("tanh",), """
        <Jdiag> looks like (1 - h_t)**2, as printed in the matrix of deck 004. That
        is a typo: the tanh derivative written from the state is 1 - h_t**2, so
        J = diag(1 - h_t**2) @ W_hh.T (handout §5.1)."""),
    ("derivative_squared", "tanh", {"diagonal": "squared"}, ("tanh",), """
        <Jdiag> looks like (1 - h_t**2)**2, the derivative squared (a slip printed in
        deck 000). Each entry is (1 - h_t[i]**2) * W_hh[j, i] (handout §5.1)."""),
    ("derivative_squared", "both", {"diagonal": "squared_both"}, ("tanh", "sigmoid"), """
        <Jdiag> looks like phi' squared, (1 - h_t**2)**2 or (h_t * (1 - h_t))**2 (deck 000
        prints the tanh one, a slip). The derivative enters once: J = diag(phi'(z_t)) @ W_hh.T
        (handout §5.1)."""),
    ("derivative_applied_to_state", "both", {"diagonal": "of_state"}, ("tanh", "sigmoid"), """
        <Jdiag> looks like the derivative taken at the state, 1 - tanh(h_t)**2 (or
        sigma(h_t) * (1 - sigma(h_t))), e.g. tanh_derivative(h_t). Given the state h_t = phi(z_t),
        phi'(z_t) is 1 - h_t**2 for tanh and h_t * (1 - h_t) for the sigmoid (handout §2.4 and
        §5.1)."""),
    ("derivative_applied_to_state", "tanh", {"diagonal": "of_state_tanh"}, ("tanh",), """
        <Jdiag> (tanh) looks like 1 - tanh(h_t)**2, the derivative taken at the state (e.g.
        tanh_derivative(h_t)). Given the state h_t = tanh(z_t), tanh'(z_t) = 1 - h_t**2
        (handout §2.4 and §5.1)."""),
    ("ignores_activation_argument", "always tanh", {"diagonal": "always_tanh"}, ("sigmoid",), """
        <J> seems to ignore the activation argument: with activation="sigmoid" the
        diagonal is h_t * (1 - h_t), not tanh's 1 - h_t**2 (handout §5.1)."""),
    ("ignores_activation_argument", "always sigmoid", {"diagonal": "always_sigmoid"}, ("tanh",), """
        <J> seems to ignore the activation argument: with activation="tanh" the diagonal
        is 1 - h_t**2, not the sigmoid's h_t * (1 - h_t) (handout §5.1)."""),
]


def one_step(sentence: str, subject: str, diagonal: str) -> str:
    """A ONE_STEP sentence about hidden_jacobian's answer, or about each factor of a product."""
    return sentence.replace("<Jdiag>", diagonal).replace("<J>", subject)


HIDDEN_JACOBIAN = [
    *[mistake(code, HJ, checks, one_step(sentence, "Your Jacobian", "Your Jacobian's diagonal"),
              model=partial(hidden_jacobian, **switches), variant=variant)
      for code, variant, switches, checks, sentence in ONE_STEP],
    mistake("mutates_input", HJ, "inputs", """
        Your hidden_jacobian changes h_t or W_hh in place (e.g. h_t **= 2 or W_hh *= ...). The
        caller still needs them: build new arrays (handout §8.1).""",
            detector=D.modifies_input()),
]

THROUGH_TIME = [
    *[mistake(code, JT, checks, one_step(sentence, "Each J_i of your product",
                                                "The diagonal of each J_i of your product"),
              model=partial(jacobian_through_time, step=partial(hidden_jacobian, **switches)), variant=variant)
      for code, variant, switches, checks, sentence in ONE_STEP if code != "ignores_activation_argument"],
    mistake("ignores_activation_argument", JT, "sigmoid", """
        Your product seems to ignore the activation argument (for example it calls
        hidden_jacobian(hs[i], W_hh) without passing activation on): with activation="sigmoid" every
        J_i uses h_i * (1 - h_i) (handout §5.3).""",
            model=partial(jacobian_through_time, step=partial(hidden_jacobian, diagonal="always_tanh"))),
    mistake("jacobian_product_order", JT, ("tanh", "sigmoid"), """
        Your product seems to be multiplied in the wrong order, J_{k+1} ... J_t. In numerator layout
        the newest step goes on the left: dh_t/dh_k = J_t J_{t-1} ... J_{k+1}, and matrices do not
        commute (handout §5.3).""",
            model=partial(jacobian_through_time, order="oldest_left")),
    mistake("jacobian_product_transposed", JT, ("tanh", "sigmoid"), """
        Your product looks like the transpose of dh_t/dh_k: J_{k+1}^T ... J_t^T, which is what the
        notes' product of W_hh^T diag(phi') gives in the column convention when read left to right
        (the denominator layout). The graded answer is the numerator layout,
        J_t @ J_{t-1} @ ... @ J_{k+1}, with J_i = hidden_jacobian(hs[i]) (handout §5.2 and §5.3).""",
            model=partial(jacobian_through_time, transposed=True)),
    mistake("activation_derivative_at_wrong_step", JT, ("tanh", "sigmoid"), """
        Your product seems to build J_i from the state h_{i-1} instead of h_i. hs holds h_0..h_T
        (hs[0] is h_0), and dh_t/dh_k = J_t ... J_{k+1} with J_i = hidden_jacobian(hs[i]) for
        i = k+1..t (handout §5.3).""",
            model=partial(jacobian_through_time, states="previous")),
    mistake("empty_product_not_identity", JT, "identity", """
        For k == t your answer is one step's Jacobian J_t instead of the identity: the product
        J_t ... J_{k+1} is then empty, and dh_t/dh_t = I. Start from np.eye(H) and multiply in the
        steps i = k+1..t (handout §5.3).""",
            model=partial(jacobian_through_time, empty="J_t"), variant="J_t"),
    mistake("empty_product_not_identity", JT, "identity", """
        For k == t your answer is zero instead of the identity: the product J_t ... J_{k+1} is then
        empty, and dh_t/dh_t = I. Start from np.eye(H) (handout §5.3).""",
            model=partial(jacobian_through_time, empty="zeros"), variant="zeros"),
    mistake("mutates_input", JT, "inputs", """
        Your jacobian_through_time changes hs or W_hh in place. The caller still needs them:
        build new arrays (handout §8.1).""",
            detector=D.modifies_input()),
]

WRONG_GAMMA = "gamma is the largest value of phi': 1 for tanh and 1/4 for the sigmoid, since sigma' = s (1 - s) <= 1/4"

BOUND = [
    mistake("spectral_radius_instead_of_singular_value", GB, ("values", "holds"), """
        Your lambda_1 looks like the largest eigenvalue modulus (the spectral radius) of W_hh. The
        bound needs the largest singular value, np.linalg.norm(W_hh, 2): for a non-normal W_hh it can
        be much larger, and with the spectral radius the "bound" can be below the true norm of the Jacobian
        product (handout §6.2).""",
            model=partial(gradient_bound, norm="radius")),
    mistake("frobenius_instead_of_spectral_norm", GB, ("values", "tight"), """
        Your lambda_1 looks like the Frobenius norm (what np.linalg.norm(W_hh) gives for a matrix).
        The bound needs the spectral norm, the largest singular value: np.linalg.norm(W_hh, 2)
        (handout §6.2).""",
            model=partial(gradient_bound, norm="frobenius")),
    mistake("wrong_gamma", GB, ("values", "tight"), f"""
        Your bound for the sigmoid looks like it uses gamma = 1 (as for tanh), i.e. the activation
        is ignored: {WRONG_GAMMA}, and the bound is (gamma * lambda_1)**steps (handout §2.1 and
        §6.1).""",
            model=partial(gradient_bound, gamma={"tanh": 1.0, "sigmoid": 1.0}), variant="sigmoid 1"),
    mistake("wrong_gamma", GB, ("values", "tight"), f"""
        Your bound for the sigmoid looks like it uses gamma = 1/2: {WRONG_GAMMA} (handout §2.1 and
        §6.1).""",
            model=partial(gradient_bound, gamma={"tanh": 1.0, "sigmoid": 0.5}), variant="sigmoid 1/2"),
    mistake("wrong_gamma", GB, ("values", "holds", "tight"), f"""
        Your bound looks like it swaps the two gammas (1/4 for tanh, 1 for the sigmoid): {WRONG_GAMMA}
        (handout §2.1 and §6.1).""",
            model=partial(gradient_bound, gamma={"tanh": 0.25, "sigmoid": 1.0}), variant="swapped"),
    mistake("wrong_gamma", GB, ("values", "tight"), f"""
        Your bound looks like gamma * lambda_1**steps: gamma must be raised to the power steps too,
        one factor gamma per step, (gamma * lambda_1)**steps. {WRONG_GAMMA} (handout §6.1).""",
            model=partial(gradient_bound, gamma_once=True), variant="gamma once"),
    mistake("wrong_gamma", GB, ("values", "tight"), f"""
        Your bound looks like gamma * lambda_1**steps (also at steps = 0): gamma must be raised to the
        power steps too, (gamma * lambda_1)**steps, which is 1 for steps = 0. {WRONG_GAMMA}
        (handout §6.1).""",
            model=partial(gradient_bound, gamma_once=True, steps0_is_one=False), variant="gamma once, steps 0"),
    mistake("mutates_input", GB, "inputs", """
        Your gradient_bound changes W_hh in place. The caller still needs it: build new arrays
        (handout §8.1).""",
            detector=D.modifies_input()),
]

REGIME = [
    mistake("spectral_radius_instead_of_singular_value", CR, "sides", """
        Your classification looks based on the largest eigenvalue modulus (spectral radius) of
        W_hh. The condition is on the largest singular value, gamma * np.linalg.norm(W_hh, 2) < 1:
        for a non-normal W_hh the eigenvalues can all be small while gradients grow (handout §6.2).""",
            model=partial(classify_gradient_regime, norm="radius")),
    mistake("frobenius_instead_of_spectral_norm", CR, "sides", """
        Your classification looks based on the Frobenius norm (what np.linalg.norm(W_hh) gives for a
        matrix). The condition is on the largest singular value: gamma * np.linalg.norm(W_hh, 2) < 1
        (handout §6.2).""",
            model=partial(classify_gradient_regime, norm="frobenius")),
    mistake("wrong_gamma", CR, "sides", f"""
        Your classification for the sigmoid looks like it uses gamma = 1 (as for tanh), e.g. by
        calling gradient_bound without passing the activation on: {WRONG_GAMMA} (handout §6.1 and
        §6.3).""",
            model=partial(classify_gradient_regime, gamma={"tanh": 1.0, "sigmoid": 1.0}), variant="sigmoid 1"),
    mistake("wrong_gamma", CR, "sides", f"""
        Your classification looks like it swaps the two gammas (1/4 for tanh, 1 for the sigmoid):
        {WRONG_GAMMA} (handout §6.1 and §6.3).""",
            model=partial(classify_gradient_regime, gamma={"tanh": 0.25, "sigmoid": 1.0}), variant="swapped"),
    mistake("regime_condition_reversed", CR, "sides", """
        Your classification looks reversed: gamma * lambda_1 < 1 means "vanishing" (every step
        shrinks the gradient), otherwise "may_explode" (handout §6.3).""",
            model=partial(classify_gradient_regime, reverse=True)),
    mistake("wrong_regime_label", CR, "sides", """
        Your classify_gradient_regime returns a label other than exactly "vanishing" or
        "may_explode" (for example "explode" or "exploding"). The label is compared exactly
        (handout §6.3).""",
            detector=D.strings_outside(("vanishing", "may_explode"), "classify_gradient_regime.sides")),
    mistake("mutates_input", CR, "inputs", """
        Your classify_gradient_regime changes W_hh in place. The caller still needs it: build new
        arrays (handout §8.1).""",
            detector=D.modifies_input()),
]

ENTRIES = [*HIDDEN_JACOBIAN, *THROUGH_TIME, *BOUND, *REGIME]
