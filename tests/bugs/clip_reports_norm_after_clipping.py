"""Bug (beyond the catalogue): total_norm measured after clipping instead of before."""
import numpy as np

BUG_FILE = "clipping"
BUG_BREAKS = ("clip_grad_norm",)
BUG_CODES = ()


def _global_norm(arrays):
    return float(np.sqrt(sum(np.vdot(a, a) for a in arrays)))


def clip_grad_norm(grads, max_norm):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    norm = _global_norm(grads.values())
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    clipped = {k: g * scale for k, g in grads.items()}
    return clipped, _global_norm(clipped.values())
