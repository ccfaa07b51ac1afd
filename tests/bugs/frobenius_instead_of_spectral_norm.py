"""Bug: np.linalg.norm(W_hh) is the Frobenius norm; the spectral norm needs ord=2."""
import numpy as np

BUG_FILE = "jacobian"
BUG_BREAKS = ("gradient_bound",)
BUG_CODES = ("frobenius_instead_of_spectral_norm",)


def gradient_bound(W_hh, steps, activation="tanh"):
    if steps == 0:
        return 1.0
    gamma = {"tanh": 1.0, "sigmoid": 0.25}[activation]
    return float((gamma * np.linalg.norm(W_hh)) ** steps)
