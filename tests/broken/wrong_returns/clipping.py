"""clipping.py: returns (total_norm, clipped), the two items in the wrong order."""
import numpy as np


def clip_grad_norm(grads, max_norm):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))
    scale = min(1.0, max_norm / total) if total > 0 else 1.0
    return total, {k: g * scale for k, g in grads.items()}
