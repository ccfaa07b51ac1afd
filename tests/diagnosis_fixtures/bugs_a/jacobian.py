import numpy as np


def hidden_jacobian(h_t, W_hh, activation="tanh"):
    # jacobian_missing_transpose
    d = 1 - h_t ** 2 if activation == "tanh" else h_t * (1 - h_t)
    return np.diag(d) @ W_hh


def jacobian_through_time(hs, W_hh, k, t, activation="tanh"):
    # correct, on top of the buggy hidden_jacobian: helper substitution must clear it
    J = np.eye(W_hh.shape[0])
    for i in range(k + 1, t + 1):
        J = hidden_jacobian(hs[i], W_hh, activation) @ J
    return J


def gradient_bound(W_hh, steps, activation="tanh"):
    # frobenius_instead_of_spectral_norm
    gamma = {"tanh": 1.0, "sigmoid": 0.25}[activation]
    return float((gamma * np.linalg.norm(W_hh)) ** steps)


def classify_gradient_regime(W_hh, activation="tanh"):
    # correct, on top of the buggy gradient_bound: helper substitution must clear it
    return "vanishing" if gradient_bound(W_hh, 1, activation) < 1 else "may_explode"
