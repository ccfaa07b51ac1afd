"""Bug: the threshold check is `max_norm < 0`, so max_norm == 0 is accepted (and zeroes everything)."""
import numpy as np

BUG_FILE = "clipping"
BUG_BREAKS = ("clip_grad_norm",)
BUG_CODES = ("missing_validation",)


def clip_grad_norm(grads, max_norm):
    if max_norm < 0:
        raise ValueError("max_norm cannot be negative")
    total_norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))
    scale = min(1.0, max_norm / total_norm) if total_norm > 0 else 1.0
    return {k: g * scale for k, g in grads.items()}, total_norm
