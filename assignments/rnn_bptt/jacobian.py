"""Hidden-state Jacobians and the vanishing/exploding-gradient bound (handout sections 5, 6).

Numerator layout: J[i, j] = d h_t[i] / d h_{t-1}[j], for the row convention
    h_t = phi(x_t @ W_xh + h_{t-1} @ W_hh + b_h),   phi = tanh or sigmoid.

activation is always exactly "tanh" or "sigmoid".
Edit only the bodies; keep the names and signatures. You may add helper functions.
Do not modify any of the inputs.
"""
import numpy as np


def hidden_jacobian(h_t, W_hh, activation="tanh"):
    """
    The one-step Jacobian dh_t / dh_{t-1} in numerator layout (handout section 5).

    phi'(z_t) is written from the state h_t = phi(z_t) (you are given h_t, not z_t):
    1 - h_t**2 for tanh, h_t * (1 - h_t) for sigmoid. Compare entries, not just norms: the
    notes' other layouts (handout section 5.2) have the same norm but other entries.

    Inputs:
    - h_t: hidden state at step t, shape (H,); entries in (-1, 1) for tanh, (0, 1) for sigmoid.
    - W_hh: hidden-to-hidden weights, shape (H, H).
    - activation: "tanh" or "sigmoid".

    Returns:
    - J: shape (H, H), J[i, j] = d h_t[i] / d h_{t-1}[j].
    """
    raise NotImplementedError("hidden_jacobian is not implemented yet: see handout section 5.")


def jacobian_through_time(hs, W_hh, k, t, activation="tanh"):
    """
    The Jacobian dh_t / dh_k = J_t @ J_{t-1} @ ... @ J_{k+1} (handout section 5).

    J_i is the one-step Jacobian dh_i / dh_{i-1} computed from the state hs[i]. The newest step
    is on the LEFT; the notes' product read left to right is the transpose of this one
    (handout section 5.3). You may call your hidden_jacobian here.

    Inputs:
    - hs: hidden states h_0, h_1, ..., h_T, shape (T+1, H); hs[i] is h_i.
    - W_hh: hidden-to-hidden weights, shape (H, H).
    - k, t: ints with 0 <= k <= t <= T.
    - activation: "tanh" or "sigmoid".

    Returns:
    - shape (H, H): d h_t / d h_k in numerator layout; the identity matrix when k == t.
    """
    raise NotImplementedError("jacobian_through_time is not implemented yet: see handout section 5.")


def gradient_bound(W_hh, steps, activation="tanh"):
    """
    The upper bound (gamma * lambda_1) ** steps on ||dh_t / dh_k|| (handout section 6).

    lambda_1 is the largest singular value of W_hh (its spectral norm), NOT the largest
    eigenvalue modulus nor the Frobenius norm; gamma = max of phi' (1 for tanh, 1/4 for sigmoid).
    It is an upper bound on the norm of every product J_t @ ... @ J_{k+1} over steps = t - k
    steps, and it is reached when W_hh is a multiple of an orthogonal matrix and phi' = gamma.

    Inputs:
    - W_hh: hidden-to-hidden weights, shape (H, H).
    - steps: int >= 0, the number of steps t - k.
    - activation: "tanh" or "sigmoid".

    Returns:
    - bound: a real number (Python float or NumPy scalar); 1.0 when steps == 0.
    """
    raise NotImplementedError("gradient_bound is not implemented yet: see handout section 6.")


def classify_gradient_regime(W_hh, activation="tanh"):
    """
    Which regime the gamma-lambda bound puts the RNN in (handout section 6).

    You may call your gradient_bound here.

    Inputs:
    - W_hh: hidden-to-hidden weights, shape (H, H).
    - activation: "tanh" or "sigmoid".

    Returns:
    - the string "vanishing" when gamma * lambda_1 < 1, else the string "may_explode".
    """
    raise NotImplementedError("classify_gradient_regime is not implemented yet: see handout section 6.")
