"""Correct variant (vectorised): sigmoid through tanh, sigma(x) = (1 + tanh(x / 2)) / 2."""
import numpy as np


def sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=np.float64)))


def sigmoid_derivative(x):
    # sigma'(x) = 1 / (4 cosh^2(x/2)) = (1 - tanh^2(x/2)) / 4, with no overflow
    t = np.tanh(0.5 * np.asarray(x, dtype=np.float64))
    return 0.25 * (1.0 - t * t)


def tanh_derivative(x):
    return 1.0 - np.tanh(x) ** 2
