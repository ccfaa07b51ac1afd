import math

import numpy as np


def sigmoid(x):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    flat, res = x.reshape(-1), out.reshape(-1)
    for i, v in enumerate(flat):
        if v >= 0:
            res[i] = 1.0 / (1.0 + math.exp(-v))
        else:
            e = math.exp(v)
            res[i] = e / (1.0 + e)
    return out


def sigmoid_derivative(x):
    s = sigmoid(x)
    return s - s * s


def tanh_derivative(x):
    t = np.tanh(x)
    return 1.0 - t * t
