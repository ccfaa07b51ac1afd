"""Correct variant (loops): a piecewise sigmoid with boolean masks; derivatives from the activations."""
import numpy as np


def sigmoid(x):
    x = np.array(x, dtype=np.float64)          # a copy: the input is never written
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1.0 + ex)
    return out


def sigmoid_derivative(x):
    s = sigmoid(x)
    return s - s ** 2        # = s (1 - s)


def tanh_derivative(x):
    t = np.tanh(x)
    return (1.0 - t) * (1.0 + t)
