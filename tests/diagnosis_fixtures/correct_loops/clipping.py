import math

import numpy as np


def clip_grad_norm(grads, max_norm):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    squares = 0.0
    for g in grads.values():
        for v in np.asarray(g).flat:
            squares += float(v) * float(v)
    total = math.sqrt(squares)
    clipped = {}
    for name, g in grads.items():
        if total > max_norm:
            clipped[name] = g * (max_norm / total)
        else:
            clipped[name] = g.copy()
    return clipped, total
