import numpy as np


def sigmoid(x):
    # sigmoid_overflow: the textbook formula
    return 1.0 / (1.0 + np.exp(-x))


def sigmoid_derivative(x):
    # correct, on top of the buggy sigmoid: helper substitution must clear it
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh_derivative(x):
    # derivative_formula_applied_to_preactivation
    return 1.0 - x ** 2
