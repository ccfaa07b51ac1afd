"""Bug: gamma = 1/2 for the sigmoid (the value of sigma(0), not the maximum of sigma')."""
import numpy as np

BUG_FILE = "jacobian"
BUG_BREAKS = ("gradient_bound",)
BUG_CODES = ("wrong_gamma",)


def gradient_bound(W_hh, steps, activation="tanh"):
    gamma = 1.0 if activation == "tanh" else 0.5
    sigma_max = np.linalg.svd(W_hh, compute_uv=False)[0]
    return float(gamma ** steps * sigma_max ** steps)
