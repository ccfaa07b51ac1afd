# Written for the similarity bank: a third independent style (scipy-free, log-space sigmoid).
import numpy as np


def sigmoid(x):
    x = np.asarray(x, dtype=float)
    return np.exp(-np.logaddexp(0.0, -x))


def sigmoid_derivative(x):
    x = np.asarray(x, dtype=float)
    return np.exp(-np.logaddexp(0.0, -x) - np.logaddexp(0.0, x))


def tanh_derivative(x):
    return 1.0 / np.cosh(np.clip(np.asarray(x, dtype=float), -300, 300)) ** 2
