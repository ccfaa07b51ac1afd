"""Bug: sigmoid built from math.exp element by element; math.exp raises OverflowError for x < -709."""
import math

import numpy as np

BUG_FILE = "activations"
BUG_BREAKS = ("sigmoid",)
BUG_CODES = ("sigmoid_overflow",)


def _sig_scalar(v):
    return 1.0 / (1.0 + math.exp(-v))


def sigmoid(x):
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    for idx in np.ndindex(x.shape):
        out[idx] = _sig_scalar(float(x[idx]))
    return out
