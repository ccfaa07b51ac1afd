"""Attack: clip_grad_norm never returns and uses no CPU (it sleeps): only a wall-clock backstop ends it."""
import time

from ref_clipping import *  # noqa: F401,F403


def clip_grad_norm(grads, max_norm):
    time.sleep(10**6)
