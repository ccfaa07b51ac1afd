"""Correct, but messy: pure-Python norm and scaling, prints, reseeding."""
import math
import random

print("DEBUG clipping.py imported")
random.seed(7)


def _flat(v):
    return [x for row in v for x in _flat(row)] if isinstance(v, list) else [v]


def _scale(v, s):
    return [_scale(x, s) for x in v] if isinstance(v, list) else v * s


def clip_grad_norm(grads, max_norm):
    if max_norm <= 0:
        raise ValueError(f"max_norm must be positive, got {max_norm}")
    lists = {k: g.tolist() for k, g in grads.items()}
    total = math.sqrt(sum(x * x for g in lists.values() for x in _flat(g)))
    scale = max_norm / total if total > max_norm else 1.0
    print("DEBUG clip", total, scale)
    return {k: _scale(g, scale) for k, g in lists.items()}, total
