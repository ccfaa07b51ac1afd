"""Bug: sigma'(x) written as sigma(x) * (sigma(x) - 1): the right magnitude with the wrong sign."""
import numpy as np

BUG_FILE = "activations"
BUG_BREAKS = ("sigmoid_derivative",)
BUG_CODES = ("sigmoid_derivative_sign",)


def sigmoid_derivative(x):
    sig = sigmoid(x)  # noqa: F821 - the student's own sigmoid, same file
    deriv = sig * (sig - 1.0)
    return np.asarray(deriv, dtype=np.float64)
