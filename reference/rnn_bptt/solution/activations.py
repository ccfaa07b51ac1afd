"""Reference solution: activation functions and their derivatives (elementwise, any shape)."""
import numpy as np


def sigmoid(x):
    """Logistic function 1 / (1 + exp(-x)), computed without overflow.

    exp is only ever taken of -|x| <= 0, so it cannot overflow; for x < 0 the
    algebraically equal form exp(x) / (1 + exp(x)) is used.
    """
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(x):
    """sigma'(x) = sigma(x) (1 - sigma(x)) of the pre-activation x."""
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh_derivative(x):
    """tanh'(x) = 1 - tanh(x)^2 of the pre-activation x."""
    t = np.tanh(np.asarray(x, dtype=np.float64))
    return 1.0 - t * t
