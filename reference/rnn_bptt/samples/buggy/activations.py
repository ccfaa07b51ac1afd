"""A realistic student submission with two mistakes (used in the README's quick start).

Mistake 1 (here): the textbook sigmoid 1 / (1 + exp(-x)), which overflows for x << 0.
Mistake 2 (rnn.py): BPTT that never carries the gradient back through time.
"""
import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_derivative(x):
    s = sigmoid(x)
    return s * (1 - s)


def tanh_derivative(x):
    return 1 - np.tanh(x) ** 2
