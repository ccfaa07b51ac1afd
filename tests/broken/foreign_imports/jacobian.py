"""jacobian.py: gradient_bound imports TensorFlow inside the function (the rest is right)."""
import numpy as np


def hidden_jacobian(h_t, W_hh, activation="tanh"):
    d = 1.0 - h_t ** 2 if activation == "tanh" else h_t * (1.0 - h_t)
    return d[:, None] * W_hh.T


def jacobian_through_time(hs, W_hh, k, t, activation="tanh"):
    J = np.eye(W_hh.shape[0])
    for i in range(k + 1, t + 1):
        J = hidden_jacobian(hs[i], W_hh, activation) @ J
    return J


def gradient_bound(W_hh, steps, activation="tanh"):
    import tensorflow as tf

    gamma = 1.0 if activation == "tanh" else 0.25
    return float((gamma * tf.linalg.svd(W_hh, compute_uv=False)[0]) ** steps)


def classify_gradient_regime(W_hh, activation="tanh"):
    return "vanishing" if gradient_bound(W_hh, 1, activation) < 1.0 else "may_explode"
