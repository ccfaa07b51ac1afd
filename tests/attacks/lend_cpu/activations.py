"""Attack (with rnn.py): do the realistic-size case's work on the budgets of other calls. Every
sigmoid call looks for rnn_backward's realistic-size inputs among the arrays the worker can reach
and, once found, computes that case's answer there (standing in for numerical differentiation
spread over many 1-second calls); rnn_backward answers the realistic size only from that store.
A realistic-size case's inputs reach the worker only when its step starts, after every other call,
so the store is always empty there and rnn_backward earns nothing."""
import sys

import attack_kit
import numpy as np
from ref_activations import *  # noqa: F401,F403
from ref_activations import sigmoid as _sigmoid

STORE = "rnn_attack_lent_answer"     # a module-level place rnn.py reads (sys.modules is shared)


def _precompute():
    import ref_rnn
    found = {a.shape: a for a in attack_kit.arrays_in_reach() if a.ndim >= 2 and a.shape[:2] == (4, 400)}
    x = next((a for s, a in found.items() if len(s) == 3 and s[2] == 64), None)
    if x is None:
        return False
    sys.modules[STORE] = type(sys)(STORE)
    sys.modules[STORE].x = np.array(x)
    sys.modules[STORE].ref = ref_rnn.rnn_backward
    return True


def sigmoid(x):
    attack_kit.once("lend", _precompute)
    return _sigmoid(x)
