"""activations.py: right values, returned as (nested) Python lists instead of arrays."""
import numpy as np


def sigmoid(x):
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).tolist()


def sigmoid_derivative(x):
    s = np.asarray(sigmoid(x))
    return (s * (1.0 - s)).tolist()


def tanh_derivative(x):
    t = np.tanh(np.asarray(x, dtype=np.float64))
    return (1.0 - t * t).tolist()
