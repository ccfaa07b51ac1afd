"""Bug (beyond the catalogue): "exploding" returned instead of the contract's "may_explode"."""
import numpy as np

BUG_FILE = "jacobian"
BUG_BREAKS = ("classify_gradient_regime",)
BUG_CODES = ()


def classify_gradient_regime(W_hh, activation="tanh"):
    gamma = 1.0 if activation == "tanh" else 0.25
    if gamma * np.linalg.norm(W_hh, 2) < 1:
        return "vanishing"
    return "exploding"
