import math

import numpy as np


def clip_grad_norm(grads, max_norm):
    if max_norm <= 0:
        raise ValueError("max_norm must be > 0")
    squares = 0.0
    for value in grads.values():
        squares += float((np.asarray(value) ** 2).sum())
    norm = math.sqrt(squares)
    factor = min(1.0, max_norm / norm) if norm > 0 else 1.0
    clipped = {}
    for name in grads:
        clipped[name] = np.array(grads[name], dtype=np.float64) * factor
    return clipped, norm
