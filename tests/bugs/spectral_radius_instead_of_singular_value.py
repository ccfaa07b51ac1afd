"""Bug: lambda_1 taken as the largest eigenvalue modulus (spectral radius), not the largest singular value."""
import numpy as np

BUG_FILE = "jacobian"
BUG_BREAKS = ("gradient_bound",)
BUG_CODES = ("spectral_radius_instead_of_singular_value",)


def gradient_bound(W_hh, steps, activation="tanh"):
    gamma = 1.0 if activation == "tanh" else 0.25
    lam = np.max(np.abs(np.linalg.eigvals(W_hh)))
    return float((gamma * lam) ** steps)
