"""Correct variant (loops): the squared norm accumulated entry by entry."""
import math

import numpy as np


def clip_grad_norm(grads, max_norm):
    if max_norm <= 0:
        raise ValueError("clip_grad_norm: max_norm must be positive")
    sq = 0.0
    for g in grads.values():
        for v in np.asarray(g, dtype=np.float64).flat:
            sq += v * v
    total_norm = math.sqrt(sq)
    scale = 1.0
    if total_norm > max_norm:
        scale = max_norm / total_norm
    clipped = {}
    for k, g in grads.items():
        clipped[k] = np.array(g, dtype=np.float64) * scale
    return clipped, total_norm
