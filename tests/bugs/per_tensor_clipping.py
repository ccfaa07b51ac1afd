"""Bug: every array clipped by its own norm instead of the global norm (total_norm itself is right)."""
import numpy as np

BUG_FILE = "clipping"
BUG_BREAKS = ("clip_grad_norm",)
BUG_CODES = ("per_tensor_clipping",)


def clip_grad_norm(grads, max_norm):
    if max_norm <= 0:
        raise ValueError(f"max_norm must be > 0, got {max_norm}")
    clipped = {}
    sq_total = 0.0
    for name, g in grads.items():
        n = np.linalg.norm(g)
        sq_total += n ** 2
        clipped[name] = g * (max_norm / n) if n > max_norm else g.copy()
    return clipped, float(np.sqrt(sq_total))
