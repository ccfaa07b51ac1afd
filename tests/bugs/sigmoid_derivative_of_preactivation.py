"""Bug: the state formula h(1 - h) applied to the pre-activation x (should be sigma(x)(1 - sigma(x)))."""
import numpy as np

BUG_FILE = "activations"
BUG_BREAKS = ("sigmoid_derivative",)
BUG_CODES = ("derivative_formula_applied_to_preactivation",)


def sigmoid_derivative(x):
    # the lecture said: sigma' = sigma * (1 - sigma)
    x = np.array(x, dtype=np.float64)
    return x * (1 - x)
