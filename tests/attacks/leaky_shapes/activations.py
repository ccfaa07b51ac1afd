"""Attack: carry hidden inputs out through the numbers the feedback prints about an answer: its
shape (empty arrays have any dimensions at no memory cost), an array too large to read, the
count and place of wrong or non-finite entries. Each answers wrongly, so it scores 0; the test
(tests/test_integrity.py) reads the feedback for the encoded inputs."""
import numpy as np
from ref_activations import *  # noqa: F401,F403
from ref_activations import sigmoid as _sigmoid

_calls = [0]


def encode(v):
    """A hidden input as an integer of 4 to 8 digits (6 decimals of |v|)."""
    return int(round(abs(float(v)) * 1e6)) % 10**7 + 1000


def _codes(x, n):
    flat = np.ravel(np.asarray(x, dtype=float))
    return [encode(flat[i % flat.size]) for i in range(n)] if flat.size else [1000] * n


def sigmoid(x):                 # the answer's shape: two inputs per call, no memory (three dimensions of
    return np.empty((0, *_codes(x, 2)))     # up to 10^7 can overflow NumPy's size check: a ValueError)


def tanh_derivative(x):         # an array too large to read: its shape printed as it is
    a, b = _codes(x, 2)
    return np.broadcast_to(np.float64(0.0), (a, b))


def sigmoid_derivative(x):      # how many entries are wrong, and where; how many are not finite
    s = _sigmoid(np.asarray(x, dtype=float))
    flat = (s * (1 - s)).reshape(-1).copy()
    if flat.size < 2:
        return flat.reshape(np.shape(x)) + 1.0
    code = _codes(x, 1)[0]
    k, at = 1 + code % (flat.size - 1), code % flat.size
    _calls[0] += 1
    index = (np.arange(k) + at) % flat.size
    if _calls[0] % 2:
        flat[index] += 1.0
    else:
        flat[index] = np.nan
    return flat.reshape(np.shape(x))
