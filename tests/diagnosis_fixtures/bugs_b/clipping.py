import numpy as np


def clip_grad_norm(grads, max_norm):
    # zero_norm_division: max_norm / 0 when the gradient is zero
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    total = np.sqrt(sum(np.sum(np.square(g)) for g in grads.values()))
    factor = min(1.0, max_norm / total)
    return {k: factor * g for k, g in grads.items()}, float(total)
