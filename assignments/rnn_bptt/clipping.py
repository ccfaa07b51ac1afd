"""Gradient-norm clipping (handout section 7).

Edit only the body; keep the name and signature. You may add helper functions.
"""
import numpy as np


def clip_grad_norm(grads, max_norm):
    """
    Rescale all gradients together so that their global L2 norm is at most max_norm.

    The global norm is taken over ALL entries of ALL arrays in grads together. Every array is
    multiplied by the same factor min(1, max_norm / total_norm), so gradients whose total norm
    is at most max_norm come back unchanged. A zero gradient (total_norm == 0) comes back as
    zeros, warning-free: do not divide by zero, there is nothing to scale. See handout section 7.

    Inputs:
    - grads: dict mapping names (e.g. "W_xh", "W_hh", "b_h", "W_hy", "b_y") to np.ndarrays of
      any shapes. Neither the dict nor its arrays may be modified.
    - max_norm: the threshold tau, a real number (meaningful only when positive).

    Returns a tuple (clipped, total_norm):
    - clipped: a new dict with the same keys; clipped[k] has the shape of grads[k].
    - total_norm: the global L2 norm of grads BEFORE clipping, as a float (0.0 for a zero gradient).

    Raises:
    - ValueError if max_norm <= 0.
    """
    raise NotImplementedError("clip_grad_norm is not implemented yet: see handout section 7.")
