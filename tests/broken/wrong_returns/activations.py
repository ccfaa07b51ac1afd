"""activations.py: sigmoid forgets its return statement; the other two are right."""
import numpy as np


def sigmoid(x):
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(x):
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh_derivative(x):
    t = np.tanh(np.asarray(x, dtype=np.float64))
    return 1.0 - t * t
