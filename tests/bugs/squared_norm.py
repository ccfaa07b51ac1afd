"""Bug: the squared norm (sum of squares, no square root) used and reported as the norm."""
import numpy as np

BUG_FILE = "clipping"
BUG_BREAKS = ("clip_grad_norm",)
BUG_CODES = ("squared_norm",)


def clip_grad_norm(grads, max_norm):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    total_norm = 0.0
    for g in grads.values():
        total_norm += np.sum(g ** 2)
    scale = min(1.0, max_norm / total_norm) if total_norm > 0 else 1.0
    return {k: g * scale for k, g in grads.items()}, float(total_norm)
