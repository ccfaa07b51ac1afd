"""Bug: tanh'(x) computed as 1 - x**2, the state formula applied to the pre-activation."""
import numpy as np

BUG_FILE = "activations"
BUG_BREAKS = ("tanh_derivative",)
BUG_CODES = ("derivative_formula_applied_to_preactivation",)


def tanh_derivative(x):
    x = np.asarray(x, dtype=np.float64)
    return 1.0 - np.square(x)
