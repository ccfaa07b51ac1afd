"""Bug: the scaled arrays are written back into the caller's dict (grads[k] = grads[k] * scale), which
is returned; the original arrays are untouched but the input dict is modified."""
import numpy as np

BUG_FILE = "clipping"
BUG_BREAKS = ("clip_grad_norm",)
BUG_CODES = ("mutates_input",)


def clip_grad_norm(grads, max_norm):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    total_norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))
    scale = min(1.0, max_norm / total_norm) if total_norm > 0 else 1.0
    for k in grads:
        grads[k] = grads[k] * scale
    return grads, total_norm
