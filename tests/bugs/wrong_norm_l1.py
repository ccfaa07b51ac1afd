"""Bug: the L1 norm (sum of absolute values) instead of the L2 norm."""
import numpy as np

BUG_FILE = "clipping"
BUG_BREAKS = ("clip_grad_norm",)
BUG_CODES = ("wrong_norm",)


def clip_grad_norm(grads, max_norm):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    total_norm = float(sum(np.abs(g).sum() for g in grads.values()))
    factor = 1.0 if total_norm <= max_norm else max_norm / total_norm
    return {k: g * factor for k, g in grads.items()}, total_norm
