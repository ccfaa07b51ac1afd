"""Bug: normalise then rescale, g / ||g|| * min(||g||, max_norm): 0 / 0 = nan for a zero gradient."""
import numpy as np

BUG_FILE = "clipping"
BUG_BREAKS = ("clip_grad_norm",)
BUG_CODES = ("zero_norm_division",)


def clip_grad_norm(grads, max_norm):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    flat = np.concatenate([g.ravel() for g in grads.values()])
    total_norm = np.linalg.norm(flat)
    target = min(total_norm, max_norm)
    clipped = {k: g / total_norm * target for k, g in grads.items()}
    return clipped, float(total_norm)
