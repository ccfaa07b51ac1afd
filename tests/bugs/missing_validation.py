"""Bug: no check of max_norm, so 0 or a negative threshold is silently accepted."""
import numpy as np

BUG_FILE = "clipping"
BUG_BREAKS = ("clip_grad_norm",)
BUG_CODES = ("missing_validation",)


def clip_grad_norm(grads, max_norm):
    total_norm = np.sqrt(sum(np.sum(np.square(g)) for g in grads.values()))
    scale = 1.0
    if total_norm > max_norm:
        scale = max_norm / total_norm
    return {k: v * scale for k, v in grads.items()}, float(total_norm)
