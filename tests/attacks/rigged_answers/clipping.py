"""Attack: clip_grad_norm returns NaN arrays and an infinite norm."""
import numpy as np
from ref_clipping import *  # noqa: F401,F403


def clip_grad_norm(grads, max_norm):
    return {k: np.full(np.shape(v), np.nan) for k, v in grads.items()}, float("inf")
