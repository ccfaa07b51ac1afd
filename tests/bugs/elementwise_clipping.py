"""Bug: np.clip on the entries instead of rescaling by the global norm."""
import numpy as np

BUG_FILE = "clipping"
BUG_BREAKS = ("clip_grad_norm",)
BUG_CODES = ("elementwise_clipping",)


def clip_grad_norm(grads, max_norm):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    total_norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    clipped = {k: np.clip(g, -max_norm, max_norm) for k, g in grads.items()}
    return clipped, float(total_norm)
