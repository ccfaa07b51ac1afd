import numpy as np


def hidden_jacobian(h_t, W_hh, activation="tanh"):
    H = h_t.shape[0]
    J = np.zeros((H, H))
    for i in range(H):
        d = 1 - h_t[i] ** 2 if activation == "tanh" else h_t[i] * (1 - h_t[i])
        for j in range(H):
            J[i, j] = d * W_hh[j, i]
    return J


def jacobian_through_time(hs, W_hh, k, t, activation="tanh"):
    J = np.eye(W_hh.shape[0])
    i = t
    while i > k:
        J = J @ hidden_jacobian(hs[i], W_hh, activation)
        i -= 1
    return J


def gradient_bound(W_hh, steps, activation="tanh"):
    gamma = 1.0 if activation == "tanh" else 0.25
    lam = np.sqrt(np.max(np.linalg.eigvalsh(W_hh.T @ W_hh)))
    result = 1.0
    for _ in range(steps):
        result *= gamma * lam
    return result


def classify_gradient_regime(W_hh, activation="tanh"):
    if gradient_bound(W_hh, 1, activation) < 1:
        return "vanishing"
    return "may_explode"
