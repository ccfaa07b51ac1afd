import numpy as np


def clip_grad_norm(grads, max_norm):
    # missing_validation
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    scale = max_norm / total if total > max_norm else 1.0
    return {k: g * scale for k, g in grads.items()}, float(total)
