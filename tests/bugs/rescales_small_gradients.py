"""Bug: g * max_norm / ||g|| always, so gradients below the threshold are scaled up."""
import numpy as np

BUG_FILE = "clipping"
BUG_BREAKS = ("clip_grad_norm",)
BUG_CODES = ("rescales_small_gradients",)


def clip_grad_norm(grads, max_norm):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    total = float(np.sqrt(sum((g * g).sum() for g in grads.values())))
    if total == 0:
        return {k: g.copy() for k, g in grads.items()}, 0.0
    return {k: g * (max_norm / total) for k, g in grads.items()}, total
