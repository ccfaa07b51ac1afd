from functools import reduce

import numpy as np

GAMMA = {"tanh": 1.0, "sigmoid": 0.25}


def hidden_jacobian(h_t, W_hh, activation="tanh"):
    d = 1.0 - h_t ** 2 if activation == "tanh" else h_t * (1.0 - h_t)
    return np.diag(d) @ W_hh.T


def jacobian_through_time(hs, W_hh, k, t, activation="tanh"):
    factors = [hidden_jacobian(hs[i], W_hh, activation) for i in range(t, k, -1)]
    return reduce(np.matmul, factors, np.eye(W_hh.shape[0]))


def gradient_bound(W_hh, steps, activation="tanh"):
    lam = np.linalg.svd(W_hh, compute_uv=False)[0]
    return (GAMMA[activation] * lam) ** steps


def classify_gradient_regime(W_hh, activation="tanh"):
    return ["may_explode", "vanishing"][int(GAMMA[activation] * np.linalg.norm(W_hh, ord=2) < 1)]
