"""Input builders of gated_rnn's cases (the engine's generic ones are in autograder/cases.py).

The truncation is part 1's vanilla RNN, so its parameters come from part 1's builder (rnn_params).
"""
from __future__ import annotations

import numpy as np

from autograder.assignments.rnn_bptt.inputs import rnn_params  # noqa: F401 - the truncation is part 1's vanilla RNN

from .contract import GRU_KEYS


def normal(g: np.random.Generator, scale: float, shape: tuple) -> np.ndarray:
    return g.normal(0.0, scale, size=shape)


def initial_state(g: np.random.Generator, N: int, H: int) -> np.ndarray:
    """h0, h_prev: strictly inside (-1, 1)."""
    return np.tanh(g.normal(0.0, 1.0, size=(N, H)))


def initial_cell(g: np.random.Generator, N: int, H: int) -> np.ndarray:
    """c0, c_prev: in [-3, 3]."""
    return g.uniform(-3.0, 3.0, size=(N, H))


def lstm_params(g: np.random.Generator, D: int, H: int, scale: float = 1.0, forget_bias: float = 0.0) -> dict:
    """W_x (D, 4H), W_h (H, 4H), b (4H,) of moderate scale; forget_bias is added to b[H:2H]."""
    b = normal(g, 0.5 * scale, (4 * H,))
    b[H:2 * H] += forget_bias
    return {"W_x": normal(g, scale / np.sqrt(D), (D, 4 * H)), "W_h": normal(g, scale / np.sqrt(H), (H, 4 * H)),
            "b": b}


def gru_params(g: np.random.Generator, D: int, H: int, scale: float = 1.0) -> dict:
    """W_x* (D, H), W_h* (H, H), b_* (H,) of moderate scale, for * in r, z, n."""
    p = {}
    for gate in "rzn":
        p[f"W_x{gate}"] = normal(g, scale / np.sqrt(D), (D, H))
        p[f"W_h{gate}"] = normal(g, scale / np.sqrt(H), (H, H))
        p[f"b_{gate}"] = normal(g, 0.5 * scale, (H,))
    return {k: p[k] for k in GRU_KEYS}

