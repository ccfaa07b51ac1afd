"""Input builders specific to rnn_bptt (the engine's generic ones are in autograder/engine/cases.py)."""
from __future__ import annotations

import numpy as np

from .contract import PARAM_KEYS


def rnn_params(g: np.random.Generator, D: int, H: int, O: int, scale: float = 1.0) -> dict[str, np.ndarray]:
    """Random parameters; W_hh is never symmetric (so a transpose slip shows) when H > 1."""
    shapes = {"W_xh": (D, H), "W_hh": (H, H), "b_h": (H,), "W_hy": (H, O), "b_y": (O,)}
    params = {k: g.normal(0.0, scale / np.sqrt(max(s[0], 1)), size=s) for k, s in shapes.items()}
    params["b_h"] = g.normal(0.0, 0.5 * scale, size=H)
    params["b_y"] = g.normal(0.0, 0.5 * scale, size=O)
    return {k: params[k] for k in PARAM_KEYS}
