"""Bug (beyond the catalogue): `assert max_norm > 0` raises AssertionError, not the ValueError asked for."""
import numpy as np

BUG_FILE = "clipping"
BUG_BREAKS = ("clip_grad_norm",)
BUG_CODES = ()


def clip_grad_norm(grads, max_norm):
    assert max_norm > 0, "max_norm must be positive"
    total_norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))
    scale = min(1.0, max_norm / total_norm) if total_norm > 0 else 1.0
    return {k: g * scale for k, g in grads.items()}, total_norm
