import numpy as np


def hidden_jacobian(h_t, W_hh, activation="tanh"):
    if activation == "tanh":
        d = 1 - h_t ** 2
    else:
        d = h_t * (1 - h_t)
    return np.diag(d) @ W_hh.T


def jacobian_through_time(hs, W_hh, k, t, activation="tanh"):
    J = np.eye(W_hh.shape[0])
    for i in range(t, k, -1):          # J_t @ J_{t-1} @ ... @ J_{k+1}
        J = J @ hidden_jacobian(hs[i], W_hh, activation)
    return J


def gradient_bound(W_hh, steps, activation="tanh"):
    gamma = 1.0 if activation == "tanh" else 0.25
    largest_singular_value = np.linalg.svd(W_hh, compute_uv=False)[0]
    return float((gamma * largest_singular_value) ** steps)


def classify_gradient_regime(W_hh, activation="tanh"):
    if gradient_bound(W_hh, 1, activation) < 1:
        return "vanishing"
    return "may_explode"
