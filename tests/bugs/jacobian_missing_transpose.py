"""Bug: diag(phi') @ W_hh instead of diag(phi') @ W_hh.T."""
import numpy as np

BUG_FILE = "jacobian"
BUG_BREAKS = ("hidden_jacobian",)
BUG_CODES = ("jacobian_missing_transpose",)


def hidden_jacobian(h_t, W_hh, activation="tanh"):
    if activation == "tanh":
        dphi = 1.0 - h_t ** 2
    else:
        dphi = h_t * (1.0 - h_t)
    return np.diag(dphi) @ W_hh
