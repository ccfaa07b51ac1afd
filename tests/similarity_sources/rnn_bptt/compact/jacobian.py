import numpy as np


def hidden_jacobian(h_t, W_hh, activation="tanh"):
    slope = (1 - h_t * h_t) if activation == "tanh" else h_t - h_t * h_t
    return np.diag(slope) @ W_hh.T


def jacobian_through_time(hs, W_hh, k, t, activation="tanh"):
    prod = np.identity(len(W_hh))
    step = t
    while step > k:
        prod = prod @ hidden_jacobian(hs[step], W_hh, activation)
        step -= 1
    return prod


def gradient_bound(W_hh, steps, activation="tanh"):
    top = np.linalg.svd(W_hh, compute_uv=False)[0]
    gamma = {"tanh": 1.0, "sigmoid": 0.25}[activation]
    return float((gamma * top) ** steps) if steps else 1.0


def classify_gradient_regime(W_hh, activation="tanh"):
    if gradient_bound(W_hh, 1, activation) >= 1:
        return "may_explode"
    return "vanishing"
