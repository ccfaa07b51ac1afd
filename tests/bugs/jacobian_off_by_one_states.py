"""Bug (beyond the catalogue): off-by-one over the states, J_i built from hs[i - 1] (range(k, t))."""
from functools import reduce

import numpy as np

BUG_FILE = "jacobian"
BUG_BREAKS = ("jacobian_through_time",)
BUG_CODES = ()


def jacobian_through_time(hs, W_hh, k, t, activation="tanh"):
    if k == t:
        return np.eye(W_hh.shape[0])
    factors = [hidden_jacobian(hs[i], W_hh, activation) for i in range(t - 1, k - 1, -1)]  # noqa: F821
    return reduce(np.matmul, factors)
