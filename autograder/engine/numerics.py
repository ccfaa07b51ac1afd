"""Numerical helpers of the trusted process, shared by every assignment's checks."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np


def central_differences(loss: Callable[[dict], float], inputs: dict[str, np.ndarray],
                        eps: float = 1e-5) -> dict[str, np.ndarray]:
    """d loss / d inputs[name] for every name, by central differences (trusted, small shapes only).

    loss takes a dict of the same names (each array a perturbed copy) and returns a float."""
    out = {}
    for name, arr in inputs.items():
        grad = np.zeros_like(arr)
        for idx in np.ndindex(arr.shape):
            values = []
            for sign in (1.0, -1.0):
                bumped = {k: v.copy() for k, v in inputs.items()}
                bumped[name][idx] += sign * eps
                values.append(loss(bumped))
            grad[idx] = (values[0] - values[1]) / (2 * eps)
        out[name] = grad
    return out


def long_memory_recurrence(g: np.random.Generator, H: int, radius: float = 0.98) -> np.ndarray:
    """W_hh: (H, H), RADIUS times a random orthogonal matrix (never symmetric). With small inputs
    (tanh near its linear part) a step's Jacobian keeps most of a gradient, so the gradient with
    respect to an early hidden state depends on the whole sequence after it: finite differences of
    forward rollouts must run to the end (the realistic-size cases, README "Security")."""
    q, r = np.linalg.qr(g.normal(size=(H, H)))
    return radius * q * np.sign(np.diag(r))


# ---- the activations' maths, as the grader's own models (diagnosis) compute it -------------------
# Not the students' helpers (an assignment's public_helpers.py, copied to the worker): these run in
# the trusted process only. The misconception models compute with these, so a change here changes
# diagnoses. Which activation an assignment's argument names (e.g. "tanh") is the assignment's
# business: the names here are the maths'.

# gamma, the largest value of phi' (handout §2.1): tanh' = 1 - tanh^2 <= 1, sigma' = s (1 - s) <= 1/4.
TANH_PRIME_MAX = 1.0
LOGISTIC_PRIME_MAX = 0.25


def logistic(z):
    """sigma(z) = 1 / (1 + exp(-z)) without overflow, in z's own float type (float64 for integers
    and Python numbers); callers that want float64 whatever comes in convert first."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def tanh_prime_from_output(h):
    """tanh'(z) written from h = tanh(z): 1 - h^2."""
    return 1.0 - h ** 2


def logistic_prime_from_output(s):
    """sigma'(z) written from s = sigma(z): s (1 - s)."""
    return s * (1.0 - s)
