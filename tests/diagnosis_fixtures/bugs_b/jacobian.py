import numpy as np


def hidden_jacobian(h_t, W_hh, activation="tanh"):
    d = 1 - h_t ** 2 if activation == "tanh" else h_t * (1 - h_t)
    return d[:, None] * W_hh.T


def jacobian_through_time(hs, W_hh, k, t, activation="tanh"):
    # jacobian_product_order
    J = np.eye(W_hh.shape[0])
    for i in range(k + 1, t + 1):
        J = J @ hidden_jacobian(hs[i], W_hh, activation)
    return J


def gradient_bound(W_hh, steps, activation="tanh"):
    # spectral_radius_instead_of_singular_value
    gamma = 1.0 if activation == "tanh" else 0.25
    rho = max(abs(np.linalg.eigvals(W_hh)))
    return float((gamma * rho) ** steps)


def classify_gradient_regime(W_hh, activation="tanh"):
    # wrong_regime_label
    gamma = 1.0 if activation == "tanh" else 0.25
    return "vanishing" if gamma * np.linalg.norm(W_hh, 2) < 1 else "exploding"
