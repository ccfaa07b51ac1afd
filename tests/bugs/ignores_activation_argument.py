"""Bug: the activation argument is accepted but ignored: always the tanh derivative."""
import numpy as np

BUG_FILE = "jacobian"
BUG_BREAKS = ("hidden_jacobian",)
BUG_CODES = ("ignores_activation_argument",)


def hidden_jacobian(h_t, W_hh, activation="tanh"):
    return np.diag(1.0 - h_t ** 2) @ W_hh.T
