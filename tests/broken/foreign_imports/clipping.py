"""clipping.py built on the student's own package mylib/ (a folder with __init__.py)."""
from mylib.norms import global_norm


def clip_grad_norm(grads, max_norm):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    total = global_norm(grads)
    scale = min(1.0, max_norm / total) if total > 0 else 1.0
    return {k: g * scale for k, g in grads.items()}, total
