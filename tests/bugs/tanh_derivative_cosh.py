"""Bug (beyond the catalogue): tanh'(x) = 1 / cosh(x)**2 is right, but cosh overflows (RuntimeWarning)
for |x| >= 711, so the extreme inputs warn."""
import numpy as np

BUG_FILE = "activations"
BUG_BREAKS = ("tanh_derivative",)
BUG_CODES = ()


def tanh_derivative(x):
    return 1.0 / np.cosh(np.asarray(x, dtype=np.float64)) ** 2
