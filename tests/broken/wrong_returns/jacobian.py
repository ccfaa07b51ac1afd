"""jacobian.py: hidden_jacobian returns only the diagonal phi' (shape (H,) instead of (H, H));
gradient_bound returns text; classify_gradient_regime returns a bool instead of a string."""
import numpy as np


def hidden_jacobian(h_t, W_hh, activation="tanh"):
    return 1.0 - h_t ** 2 if activation == "tanh" else h_t * (1.0 - h_t)


def jacobian_through_time(hs, W_hh, k, t, activation="tanh"):
    J = np.eye(W_hh.shape[0])
    for i in range(k + 1, t + 1):
        J = hidden_jacobian(hs[i], W_hh, activation) @ J
    return J


def gradient_bound(W_hh, steps, activation="tanh"):
    gamma = 1.0 if activation == "tanh" else 0.25
    return f"{(gamma * np.linalg.norm(W_hh, 2)) ** steps:.6f}"


def classify_gradient_regime(W_hh, activation="tanh"):
    gamma = 1.0 if activation == "tanh" else 0.25
    return bool(gamma * np.linalg.norm(W_hh, 2) < 1.0)
