import numpy as np


def clip_grad_norm(grads, max_norm):
    if not max_norm > 0:
        raise ValueError(f"max_norm must be > 0, got {max_norm}")
    flat = np.concatenate([np.ravel(g) for g in grads.values()])
    total = float(np.linalg.norm(flat))
    factor = min(1.0, max_norm / total) if total > 0 else 1.0
    return {k: factor * np.asarray(g) for k, g in grads.items()}, total
