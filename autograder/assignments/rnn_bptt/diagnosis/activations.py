"""Misconceptions about activations.py: sigmoid, sigmoid_derivative, tanh_derivative (handout §2)."""
from __future__ import annotations

import numpy as np

from autograder.diagnosis import detectors as D
from autograder.diagnosis.registry import mistake
from autograder.engine.numerics import logistic


def _sigmoid(x):
    """numerics.logistic in float64 whatever x is (a list, integers, float32)."""
    return logistic(np.asarray(x, dtype=np.float64))


def _tanh(x):
    return np.tanh(np.asarray(x, dtype=np.float64))


def modifies_input(function: str):
    return mistake(
        "mutates_input", function, "inputs", f"""
        Your {function} changes its input array in place (for example x *= -1, x[...] = ..., or
        np.exp(x, out=x)). The caller still needs that array: work on a copy or build a new array
        (handout §8.1).""",
        detector=D.modifies_input())


SIGMOID = [
    mistake(
        "sigmoid_overflow", "sigmoid", "extreme", """
        Your sigmoid overflows for large |x|: the naive 1 / (1 + np.exp(-x)) computes np.exp(1000)
        at x = -1000 (inf and a RuntimeWarning), and np.exp(x) / (1 + np.exp(x)) gives nan at
        x = +1000. Use the stable form that only ever exponentiates -|x|; np.where over the two
        naive expressions does not help, because it evaluates both (handout §2.3).""",
        detector=D.overflows("sigmoid.extreme", "sigmoid.moderate")),
    mistake(
        "sigmoid_sign_flip", "sigmoid", ("values", "extreme"), """
        Your sigmoid looks like 1 / (1 + exp(+x)), which is sigma(-x): the sign in the exponent is
        flipped, so your curve falls where it should rise. sigma(x) = 1 / (1 + exp(-x)) tends to 1
        as x grows (handout §2.1).""",
        model=lambda x: _sigmoid(-np.asarray(x, dtype=np.float64))),
    modifies_input("sigmoid"),
]

SIGMOID_DERIVATIVE_CHECKS = ("values", "shape_of_curve", "extreme")

SIGMOID_DERIVATIVE = [
    mistake(
        "sigmoid_derivative_sign", "sigmoid_derivative", SIGMOID_DERIVATIVE_CHECKS, """
        Your sigmoid_derivative looks like sigma(x) * (1 + sigma(x)): a sign slip. The derivative is
        sigma(x) * (1 - sigma(x)), which is positive, even in x, and never above 1/4 (handout §2.1).""",
        model=lambda x: _sigmoid(x) * (1.0 + _sigmoid(x)), variant="1+s"),
    mistake(
        "sigmoid_derivative_sign", "sigmoid_derivative", SIGMOID_DERIVATIVE_CHECKS, """
        Your sigmoid_derivative looks like sigma(x) * (sigma(x) - 1), the negative of the derivative:
        a sign slip. The sigmoid is increasing, so its derivative sigma(x) * (1 - sigma(x)) is
        positive (handout §2.1).""",
        model=lambda x: _sigmoid(x) * (_sigmoid(x) - 1.0), variant="negated"),
    mistake(
        "derivative_formula_applied_to_preactivation", "sigmoid_derivative", SIGMOID_DERIVATIVE_CHECKS, """
        Your sigmoid_derivative looks like x * (1 - x). That formula is written from the activation
        s = sigma(x), but sigmoid_derivative receives the pre-activation x: compute s = sigmoid(x)
        first and return s * (1 - s) (handout §2.4).""",
        model=lambda x: np.asarray(x, dtype=np.float64) * (1.0 - np.asarray(x, dtype=np.float64))),
    mistake(
        "sigmoid_overflow", "sigmoid_derivative", "extreme", """
        Your sigmoid_derivative overflows for large |x|: a formula such as
        np.exp(-x) / (1 + np.exp(-x))**2 computes np.exp(1000) at x = -1000 (inf / inf = nan, with a
        RuntimeWarning). Return s * (1 - s) with s from your stable sigmoid (handout §2.3).""",
        detector=D.overflows("sigmoid_derivative.extreme", "sigmoid_derivative.moderate")),
    modifies_input("sigmoid_derivative"),
]

TANH_DERIVATIVE = [
    mistake(
        "derivative_formula_applied_to_preactivation", "tanh_derivative", ("values", "extreme"), """
        Your tanh_derivative looks like 1 - x**2. That formula is written from the activation
        h = tanh(x), but tanh_derivative receives the pre-activation x: return 1 - np.tanh(x)**2
        (handout §2.4).""",
        model=lambda x: 1.0 - np.asarray(x, dtype=np.float64) ** 2),
    mistake(
        "derivative_squared", "tanh_derivative", ("values", "extreme"), """
        Your tanh_derivative looks like (1 - tanh(x)**2)**2: the derivative squared. It is
        1 - tanh(x)**2, with no square outside (handout §2.2; one deck prints a stray square,
        see §5.1).""",
        model=lambda x: (1.0 - _tanh(x) ** 2) ** 2),
    mistake(
        "jacobian_slide_typo", "tanh_derivative", ("values", "extreme"), """
        Your tanh_derivative looks like (1 - tanh(x))**2, the typo printed in the matrix of deck 004.
        The derivative is 1 - tanh(x)**2: only tanh is squared (handout §2.2 and §5.1).""",
        model=lambda x: (1.0 - _tanh(x)) ** 2),
    mistake(
        "tanh_overflow", "tanh_derivative", "extreme", """
        Your tanh_derivative overflows for large |x|: np.exp(1000) and np.cosh(1000) are inf, with a
        RuntimeWarning ("overflow encountered in exp" or "in cosh"). tanh written with np.exp gives
        inf / inf = nan; 1 / np.cosh(x)**2 gives the right value, 0, but still warns. np.tanh never
        overflows: return 1 - np.tanh(x)**2 (handout §2.2 and §2.3).""",
        detector=D.overflows("tanh_derivative.extreme", "tanh_derivative.moderate")),
    modifies_input("tanh_derivative"),
]

ENTRIES = [*SIGMOID, *SIGMOID_DERIVATIVE, *TANH_DERIVATIVE]
