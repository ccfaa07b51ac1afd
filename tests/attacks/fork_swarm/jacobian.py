"""Attack: classify_gradient_regime forks up to 300 processes (each sleeps 20 s, then exits),
and answers wrongly. Every child is named TOKEN so that survivors can be found."""
import os
import time

import attack_kit as kit
import ref_jacobian
from ref_jacobian import *  # noqa: F401,F403


def _swarm():
    for _ in range(300):
        try:
            if os.fork() == 0:
                kit.mark()
                time.sleep(20)
                os._exit(0)
        except OSError:
            break


def classify_gradient_regime(W_hh, activation="tanh"):
    kit.once("swarm", _swarm)
    return kit.wrong(ref_jacobian.classify_gradient_regime(W_hh, activation))
