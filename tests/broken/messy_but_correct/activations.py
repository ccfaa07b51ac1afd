"""Correct, but messy: debug prints everywhere, global random generators reseeded at import and
in every call, and slow pure-Python loops (math and lists) instead of NumPy."""
import math
import random

import numpy as np

print("DEBUG activations.py imported")
np.random.seed(12345)
random.seed(678)


def _elementwise(f, x):
    if isinstance(x, list):
        return [_elementwise(f, v) for v in x]
    return f(x)


def _sigmoid_scalar(v):
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


def sigmoid(x):
    np.random.seed(0)
    print("DEBUG sigmoid called, random draw:", np.random.rand(), random.random())
    return _elementwise(_sigmoid_scalar, np.asarray(x, dtype=np.float64).tolist())


def sigmoid_derivative(x):
    print("DEBUG sigmoid_derivative")
    return _elementwise(lambda v: _sigmoid_scalar(v) * (1.0 - _sigmoid_scalar(v)),
                        np.asarray(x, dtype=np.float64).tolist())


def tanh_derivative(x):
    print("DEBUG tanh_derivative")
    return _elementwise(lambda v: 1.0 - math.tanh(v) ** 2, np.asarray(x, dtype=np.float64).tolist())
