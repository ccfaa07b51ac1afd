"""Bug: gamma left out of the bound: lambda_1**steps for both activations."""
import numpy as np

BUG_FILE = "jacobian"
BUG_BREAKS = ("gradient_bound",)
BUG_CODES = ("wrong_gamma",)


def gradient_bound(W_hh, steps, activation="tanh"):
    lam = np.linalg.norm(W_hh, ord=2)
    return float(lam ** steps)
