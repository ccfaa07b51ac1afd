"""Attack (with gru.py): lstm_backward answers its realistic-size case at once, wrongly, and keeps
the case's inputs; gru_backward's realistic-size call, a later step with a budget of its own, then
computes the right answer (standing in for numerical differentiation on that budget) and writes it
over lstm_backward's answer files with the worker's own writer. The runner reads a step's answers
when the step ends, before the next one's calls run, so the rewrite changes nothing: no points."""
import sys

import attack_kit
import ref_lstm
from ref_lstm import *  # noqa: F401,F403

STORE = "lstm_attack_late"      # a module-level place gru.py reads (sys.modules is shared)


def lstm_backward(dh, dc, x, h0, c0, h, c, params):
    if x.shape[1] < 100:
        return ref_lstm.lstm_backward(dh, dc, x, h0, c0, h, c, params)
    sys.modules[STORE] = type(sys)(STORE)
    sys.modules[STORE].args = tuple(a.copy() for a in (dh, dc, x, h0, c0, h, c)) + (
        {k: v.copy() for k, v in params.items()},)
    return attack_kit.wrong(ref_lstm.lstm_backward(dh, dc, x, h0, c0, h, c, params))
