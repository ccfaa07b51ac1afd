"""Bug: to avoid overflow the student clamps x IN PLACE before the naive formula, so the caller's
array is modified (only entries beyond +-500 change)."""
import numpy as np

BUG_FILE = "activations"
BUG_BREAKS = ("sigmoid",)
BUG_CODES = ("mutates_input",)


def sigmoid(x):
    if isinstance(x, np.ndarray) and x.ndim > 0:
        x[x < -500] = -500.0   # exp(500) still fits in a float64
        x[x > 500] = 500.0
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))
