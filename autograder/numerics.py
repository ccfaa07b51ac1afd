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
