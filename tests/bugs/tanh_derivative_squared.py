"""Bug: the tanh derivative squared, (1 - tanh(x)**2)**2."""
import numpy as np

BUG_FILE = "activations"
BUG_BREAKS = ("tanh_derivative",)
BUG_CODES = ("derivative_squared",)


def tanh_derivative(x):
    t = np.tanh(x)
    d = 1 - t ** 2
    return d ** 2
