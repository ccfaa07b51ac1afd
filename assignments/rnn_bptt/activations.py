"""Activation functions and their derivatives (handout section 2).

All three functions work elementwise on float64 NumPy arrays of any shape, 0-d arrays (shape ())
included, and return an array of the same shape. All three must be finite, right and
warning-free (no RuntimeWarning such as "overflow encountered in exp") for |x| up to 1000.
Do not modify x: build a new array.
Edit only the bodies; keep the names and signatures. You may add helper functions.
"""
import numpy as np


def sigmoid(x):
    """
    The logistic function sigma(x) = 1 / (1 + exp(-x)), elementwise.

    It must be finite, right and warning-free for |x| up to 1000: the naive formula overflows
    at x = -1000 (handout section 2.3).

    Inputs:
    - x: np.ndarray (float64) of any shape, 0-d included; the pre-activation values.

    Returns:
    - s: np.ndarray of the same shape as x, float64, every entry in [0, 1], and
      strictly between 0 and 1 for |x| <= 30 (do not round or clamp).
    """
    raise NotImplementedError(
        "sigmoid is not implemented yet: see handout section 2 (watch out for overflow at x = -1000)."
    )


def sigmoid_derivative(x):
    """
    The derivative of the sigmoid, sigma'(x) = sigma(x) * (1 - sigma(x)), elementwise.

    x is the PRE-activation (the input of the sigmoid), not sigma(x). It must be finite, right
    and warning-free for |x| up to 1000, like sigmoid. You may call your sigmoid here.
    See handout section 2.

    Inputs:
    - x: np.ndarray (float64) of any shape, 0-d included; the pre-activation values.

    Returns:
    - ds: np.ndarray of the same shape as x, float64, every entry in [0, 1/4] (never above 1/4),
      and even in x: sigma'(-x) = sigma'(x).
    """
    raise NotImplementedError(
        "sigmoid_derivative is not implemented yet: see handout section 2 "
        "(its argument is the pre-activation x, not sigma(x))."
    )


def tanh_derivative(x):
    """
    The derivative of tanh, tanh'(x) = 1 - tanh(x)**2, elementwise.

    x is the PRE-activation (the input of tanh), not tanh(x). It must be finite, right and
    warning-free for |x| up to 1000: np.tanh never overflows, but formulas with np.exp or
    np.cosh do (handout section 2.2). See handout section 2.

    Inputs:
    - x: np.ndarray (float64) of any shape, 0-d included; the pre-activation values.

    Returns:
    - dt: np.ndarray of the same shape as x, float64, every entry in [0, 1].
    """
    raise NotImplementedError(
        "tanh_derivative is not implemented yet: see handout section 2 "
        "(its argument is the pre-activation x, not tanh(x))."
    )
