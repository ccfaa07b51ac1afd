"""Correct variant (vectorised): the global norm of all arrays raveled and concatenated."""
import numpy as np


def clip_grad_norm(grads, max_norm):
    if not max_norm > 0:
        raise ValueError(f"max_norm must be > 0 (got {max_norm!r})")
    total_norm = float(np.linalg.norm(np.concatenate([np.ravel(g) for g in grads.values()])))
    coef = max_norm / max(total_norm, max_norm)      # min(1, max_norm / total_norm) without 0 / 0
    return {k: np.multiply(g, coef) for k, g in grads.items()}, total_norm
