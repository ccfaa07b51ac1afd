"""Correct variant (vectorised): broadcasting, functools.reduce, singular values from the SVD."""
from functools import reduce

import numpy as np

_GAMMA = {"tanh": 1.0, "sigmoid": 0.25}


def hidden_jacobian(h_t, W_hh, activation="tanh"):
    d = 1 - h_t ** 2 if activation == "tanh" else h_t - h_t ** 2
    return (W_hh * d).T            # (W * d)[j, i] = W[j, i] d[i], transposed: [i, j]


def jacobian_through_time(hs, W_hh, k, t, activation="tanh"):
    mats = [hidden_jacobian(hs[i], W_hh, activation) for i in range(t, k, -1)]
    return reduce(np.matmul, mats, np.eye(W_hh.shape[0]))


def gradient_bound(W_hh, steps, activation="tanh"):
    sigma_max = np.linalg.svd(W_hh, compute_uv=False).max()
    return np.float64(_GAMMA[activation] * sigma_max) ** steps


def classify_gradient_regime(W_hh, activation="tanh"):
    gamma_lambda = _GAMMA[activation] * np.linalg.norm(W_hh, ord=2)
    return "vanishing" if gamma_lambda < 1 else "may_explode"
