"""Bug: W_hh.T @ diag(phi'), which scales the columns instead of the rows (another layout of the notes)."""
import numpy as np

BUG_FILE = "jacobian"
BUG_BREAKS = ("hidden_jacobian",)
BUG_CODES = ("jacobian_scales_columns",)


def hidden_jacobian(h_t, W_hh, activation="tanh"):
    deriv = 1 - h_t ** 2 if activation == "tanh" else h_t * (1 - h_t)
    return W_hh.T @ np.diag(deriv)
