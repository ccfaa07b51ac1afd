"""Correct, but messy: pure-Python Jacobians, prints, reseeding."""
import random

import numpy as np

print("DEBUG jacobian.py imported")
random.seed(99)
np.random.seed(99)


def _phi_prime(h, activation):
    return [1.0 - v * v if activation == "tanh" else v * (1.0 - v) for v in h]


def hidden_jacobian(h_t, W_hh, activation="tanh"):
    d, W = _phi_prime(h_t.tolist(), activation), W_hh.tolist()
    return [[d[i] * W[j][i] for j in range(len(d))] for i in range(len(d))]


def jacobian_through_time(hs, W_hh, k, t, activation="tanh"):
    H = len(W_hh)
    J = [[1.0 if i == j else 0.0 for j in range(H)] for i in range(H)]
    for step in range(k + 1, t + 1):
        A = hidden_jacobian(hs[step], W_hh, activation)
        J = [[sum(A[i][m] * J[m][j] for m in range(H)) for j in range(H)] for i in range(H)]
    print("DEBUG jacobian_through_time", k, t)
    return J


def gradient_bound(W_hh, steps, activation="tanh"):
    np.random.seed(steps)
    gamma = 1.0 if activation == "tanh" else 0.25
    lam = max(np.linalg.svd(W_hh, compute_uv=False))
    bound = 1.0
    for _ in range(steps):
        bound *= gamma * lam
    print("DEBUG gradient_bound", steps, bound)
    return bound


def classify_gradient_regime(W_hh, activation="tanh"):
    return "vanishing" if gradient_bound(W_hh, 1, activation) < 1.0 else "may_explode"
