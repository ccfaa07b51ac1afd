import numpy as np


def sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=np.float64)))


def sigmoid_derivative(x):
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh_derivative(x):
    return 1.0 / np.cosh(np.clip(x, -300.0, 300.0)) ** 2
