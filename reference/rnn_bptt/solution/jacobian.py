"""Reference solution: hidden-state Jacobians and the gamma-lambda bound (Pascanu et al. 2013).

Numerator layout: J[i, j] = d h_t[i] / d h_{t-1}[j] = phi'(z_t)[i] * W_hh[j, i],
i.e. J = diag(phi'(z_t)) @ W_hh.T for the row convention h_t = phi(x_t W_xh + h_{t-1} W_hh + b_h).
"""
import numpy as np

GAMMA = {"tanh": 1.0, "sigmoid": 0.25}   # max over z of phi'(z)


def activation_derivative_from_state(h_t, activation="tanh"):
    """phi'(z_t) written with the state h_t = phi(z_t): (H,) -> (H,)."""
    if activation == "tanh":
        return 1.0 - h_t ** 2
    return h_t * (1.0 - h_t)


def hidden_jacobian(h_t, W_hh, activation="tanh"):
    """h_t: (H,), W_hh: (H, H) -> dh_t/dh_{t-1}: (H, H) = diag(phi') @ W_hh.T."""
    return activation_derivative_from_state(h_t, activation)[:, None] * W_hh.T


def jacobian_through_time(hs, W_hh, k, t, activation="tanh"):
    """hs: (T+1, H) holds h_0..h_T -> dh_t/dh_k = J_t @ ... @ J_{k+1}: (H, H)."""
    J = np.eye(W_hh.shape[0])
    for i in range(k + 1, t + 1):
        J = hidden_jacobian(hs[i], W_hh, activation) @ J
    return J


def gradient_bound(W_hh, steps, activation="tanh"):
    """(gamma * lambda_1)^steps, lambda_1 the largest singular value of W_hh: float."""
    if steps == 0:
        return 1.0
    lam = np.linalg.norm(W_hh, 2)
    return float((GAMMA[activation] * lam) ** steps)


def classify_gradient_regime(W_hh, activation="tanh"):
    """'vanishing' when gamma * lambda_1 < 1 (sufficient condition), else 'may_explode'."""
    return "vanishing" if gradient_bound(W_hh, 1, activation) < 1.0 else "may_explode"
