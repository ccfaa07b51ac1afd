"""Bug: the textbook sigmoid 1 / (1 + exp(-x)); exp overflows (RuntimeWarning) for x <= -710."""
import numpy as np

BUG_FILE = "activations"
BUG_BREAKS = ("sigmoid",)
BUG_CODES = ("sigmoid_overflow",)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))
