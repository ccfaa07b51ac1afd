"""jacobian.py: an answer that raises when read, a call to input(), and a function that never
returns (classify_gradient_regime, built on gradient_bound, hangs with it)."""
import numpy as np


class Lazy:
    def __array__(self, dtype=None, copy=None):
        raise ZeroDivisionError("lazy answer")

    def __len__(self):
        raise ZeroDivisionError("lazy answer")


def hidden_jacobian(h_t, W_hh, activation="tanh"):
    return Lazy()


def jacobian_through_time(hs, W_hh, k, t, activation="tanh"):
    answer = input("which layout? ")
    return np.eye(W_hh.shape[0]) if answer else None


def gradient_bound(W_hh, steps, activation="tanh"):
    bound = 1.0
    while steps >= 0:
        bound = bound * 1.0
    return bound


def classify_gradient_regime(W_hh, activation="tanh"):
    return "vanishing" if gradient_bound(W_hh, 1, activation) < 1.0 else "may_explode"
