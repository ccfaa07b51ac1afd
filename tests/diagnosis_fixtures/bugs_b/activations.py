import numpy as np


def sigmoid(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_derivative(x):
    # derivative_formula_applied_to_preactivation
    return x * (1 - x)


def tanh_derivative(x):
    # mutates_input
    x **= 2
    return 1 - np.tanh(np.sqrt(x)) ** 2
