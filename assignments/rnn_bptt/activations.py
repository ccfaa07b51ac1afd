"""Activation functions and their derivatives (handout section 2).

All three functions work elementwise on arrays of any shape (and on plain floats).
Edit only the bodies; keep the names and signatures. You may add helper functions.
"""
import numpy as np


def sigmoid(x):
    """
    The logistic function sigma(x) = 1 / (1 + exp(-x)), elementwise.

    It must return finite values, without any RuntimeWarning (e.g. "overflow encountered
    in exp"), for inputs as large as |x| = 1000 and beyond. See handout section 2.

    Inputs:
    - x: float or np.ndarray of any shape; the pre-activation values.

    Returns:
    - s: np.ndarray of the same shape as x, float64, every entry in [0, 1].
    """
    raise NotImplementedError(
        "sigmoid is not implemented yet: see handout section 2 (watch out for overflow at x = -1000)."
    )


def sigmoid_derivative(x):
    """
    The derivative of the sigmoid, sigma'(x) = sigma(x) * (1 - sigma(x)), elementwise.

    x is the PRE-activation (the input of the sigmoid), not sigma(x). Must be warning-free
    for |x| up to 1000, like sigmoid. You may call your sigmoid here. See handout section 2.

    Inputs:
    - x: float or np.ndarray of any shape; the pre-activation values.

    Returns:
    - ds: np.ndarray of the same shape as x, float64, every entry in [0, 1/4].
    """
    raise NotImplementedError(
        "sigmoid_derivative is not implemented yet: see handout section 2 "
        "(its argument is the pre-activation x, not sigma(x))."
    )


def tanh_derivative(x):
    """
    The derivative of tanh, tanh'(x) = 1 - tanh(x)**2, elementwise.

    x is the PRE-activation (the input of tanh), not tanh(x). See handout section 2.

    Inputs:
    - x: float or np.ndarray of any shape; the pre-activation values.

    Returns:
    - dt: np.ndarray of the same shape as x, float64, every entry in [0, 1].
    """
    raise NotImplementedError(
        "tanh_derivative is not implemented yet: see handout section 2 "
        "(its argument is the pre-activation x, not tanh(x))."
    )
