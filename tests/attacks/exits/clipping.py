"""Attack: clip_grad_norm ends the worker with os._exit(0) inside a graded call."""
import os

from ref_clipping import *  # noqa: F401,F403


def clip_grad_norm(grads, max_norm):
    os._exit(0)
