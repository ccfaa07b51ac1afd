"""Bug: the matrix form printed in deck 004 copied with its typo, diag((1 - h)**2) for tanh."""
import numpy as np

BUG_FILE = "jacobian"
BUG_BREAKS = ("hidden_jacobian",)
BUG_CODES = ("jacobian_slide_typo",)


def hidden_jacobian(h_t, W_hh, activation="tanh"):
    if activation == "tanh":
        d = (1 - h_t) ** 2
    else:
        d = h_t * (1 - h_t)
    return np.diag(d) @ W_hh.T
