"""Bug: the regime decided from the largest |eigenvalue| of W_hh (computed inline, not through
gradient_bound), though the condition is on the largest singular value."""
import numpy as np

BUG_FILE = "jacobian"
BUG_BREAKS = ("classify_gradient_regime",)
BUG_CODES = ("spectral_radius_instead_of_singular_value",)


def classify_gradient_regime(W_hh, activation="tanh"):
    gamma = 0.25 if activation == "sigmoid" else 1.0
    rho = max(abs(ev) for ev in np.linalg.eigvals(W_hh))
    if gamma * rho < 1.0:
        return "vanishing"
    return "may_explode"
