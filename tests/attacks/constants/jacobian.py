"""Attack: answers that compute nothing but pass rules a constant could pass: an identity for every
Jacobian product, a huge bound (it "holds"), a classification that alternates per call."""
import numpy as np
from ref_jacobian import *  # noqa: F401,F403

_calls = [0]


def jacobian_through_time(hs, W_hh, k, t, activation="tanh"):
    return np.eye(W_hh.shape[0])


def gradient_bound(W_hh, steps, activation="tanh"):
    return 1.0 if steps == 0 else 1e300


def classify_gradient_regime(W_hh, activation="tanh"):
    _calls[0] += 1
    return "vanishing" if _calls[0] % 2 else "may_explode"
