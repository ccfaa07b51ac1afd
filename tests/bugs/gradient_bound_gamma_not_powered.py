"""Bug (beyond the catalogue): gamma * lambda_1**steps, with gamma outside the power."""
import numpy as np

BUG_FILE = "jacobian"
BUG_BREAKS = ("gradient_bound",)
BUG_CODES = ()


def gradient_bound(W_hh, steps, activation="tanh"):
    if steps == 0:
        return 1.0
    gamma = 1.0 if activation == "tanh" else 0.25
    return float(gamma * np.linalg.norm(W_hh, 2) ** steps)
