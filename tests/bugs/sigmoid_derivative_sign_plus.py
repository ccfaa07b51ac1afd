"""Bug: sigma'(x) written as sigma(x) * (1 + sigma(x)), a sign slip in the derivative."""
import numpy as np

BUG_FILE = "activations"
BUG_BREAKS = ("sigmoid_derivative",)
BUG_CODES = ("sigmoid_derivative_sign",)


def sigmoid_derivative(x):
    """Derivative of the sigmoid: sigma(x)(1 + sigma(x))."""
    s = sigmoid(np.asarray(x, dtype=float))  # noqa: F821 - the student's own sigmoid, same file
    return s * (1 + s)
