"""Attack: answers built to fool a judge that trusts them: an ndarray subclass whose comparisons are
always true and whose conversions lie (sigmoid), NaN (sigmoid_derivative), 1e300 (tanh_derivative)."""
import numpy as np
import ref_activations
from ref_activations import *  # noqa: F401,F403


class Rigged(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(self), dtype=bool)

    __ne__ = __lt__ = __gt__ = __le__ = __ge__ = lambda self, other: np.zeros(np.shape(self), dtype=bool)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return np.zeros(np.shape(self))

    def __float__(self):
        return 0.5

    def tolist(self):
        return ref_activations.sigmoid(np.zeros(np.shape(self))).tolist()


def sigmoid(x):
    return (np.asarray(ref_activations.sigmoid(x)) + 1.0).view(Rigged)


def sigmoid_derivative(x):
    return np.full(np.shape(x), np.nan)


def tanh_derivative(x):
    return np.full(np.shape(x), 1e300)
