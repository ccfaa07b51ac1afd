"""Bug: the sigmoid branch computes phi' = h_t * (1 - h_t) in place (d = h_t; d *= 1 - h_t), which
overwrites the caller's h_t; the values returned are right."""
import numpy as np

BUG_FILE = "jacobian"
BUG_BREAKS = ("hidden_jacobian",)
BUG_CODES = ("mutates_input",)


def hidden_jacobian(h_t, W_hh, activation="tanh"):
    if activation == "tanh":
        d = 1.0 - h_t ** 2
    else:
        d = h_t
        d *= 1.0 - h_t
    return np.multiply(d[:, None], W_hh.T)
