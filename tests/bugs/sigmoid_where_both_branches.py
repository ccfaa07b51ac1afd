"""Bug: a "stable" sigmoid with np.where, which evaluates both branches, so exp still overflows."""
import numpy as np

BUG_FILE = "activations"
BUG_BREAKS = ("sigmoid",)
BUG_CODES = ("sigmoid_overflow",)


def sigmoid(x):
    x = np.asarray(x, dtype=np.float64)
    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))
