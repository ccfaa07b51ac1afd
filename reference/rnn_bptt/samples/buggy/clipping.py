import numpy as np


def clip_grad_norm(grads, max_norm):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    total_norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    scale = 1.0
    if total_norm > max_norm:
        scale = max_norm / total_norm
    clipped = {name: g * scale for name, g in grads.items()}
    return clipped, float(total_norm)
