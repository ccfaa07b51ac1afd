"""Reference solution: gradient-norm clipping, g <- g * min(1, max_norm / ||g||)."""
import numpy as np


def clip_grad_norm(grads, max_norm):
    """grads: dict of arrays -> (clipped copy of grads, global L2 norm before clipping)."""
    if not max_norm > 0:
        raise ValueError(f"max_norm must be positive, got {max_norm}")
    total = float(np.sqrt(sum(float(np.sum(np.square(g))) for g in grads.values())))
    scale = 1.0 if total <= max_norm else max_norm / total
    return {k: np.asarray(g, dtype=np.float64) * scale for k, g in grads.items()}, total
