"""Bug: the max norm (largest absolute entry) instead of the L2 norm."""
import numpy as np

BUG_FILE = "clipping"
BUG_BREAKS = ("clip_grad_norm",)
BUG_CODES = ("wrong_norm",)


def clip_grad_norm(grads, max_norm):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    total_norm = max(float(np.max(np.abs(g))) for g in grads.values())
    scale = min(1.0, max_norm / total_norm) if total_norm > 0 else 1.0
    return {name: scale * g for name, g in grads.items()}, total_norm
