"""Bug: sigma'(x) = exp(-x) / (1 + exp(-x))**2 written out directly: inf / inf = nan for x <= -710."""
import numpy as np

BUG_FILE = "activations"
BUG_BREAKS = ("sigmoid_derivative",)
BUG_CODES = ("sigmoid_overflow",)


def sigmoid_derivative(x):
    e = np.exp(-np.asarray(x, dtype=np.float64))
    return e / (1 + e) ** 2
