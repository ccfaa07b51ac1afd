"""The record of one gated_rnn misconception, and the output names its entries use.

A Mistake is data only: code, the student function, the outputs the mistake changes, the sentence
a student reads (with the handout section), and the model (the reference with that one mistake,
the student function's signature). Several entries may share a code (variants of one mistake).
Nothing here imports the grading engine; __init__.py turns each entry into a registry.mistake().

Output names in `affects`: lstm_forward "h", "c"; lstm_backward and gru_backward "dx", "dh0",
"dc0" and the parameter names; lstm_state_jacobian the blocks "hh", "hc", "ch", "cc"
(d h_t / d h_{t-1}, d h_t / d c_{t-1}, d c_t / d h_{t-1}, d c_t / d c_{t-1}); rnn_backward_truncated
"dx", "dh0" and the parameter names.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Mistake:
    code: str                   # e.g. "lstm_gate_order"
    function: str               # the student function it concerns
    affects: tuple[str, ...]    # the outputs it changes (see the module docstring)
    sentence: str               # for the student, with "(handout §n.m)"
    model: Callable             # the reference with this one mistake, the student function's signature
    variant: str = ""           # tells apart entries that share a code

    @property
    def name(self) -> str:
        return f"{self.function}:{self.code}" + (f"[{self.variant}]" if self.variant else "")


LF, LB, LJ = "lstm_forward", "lstm_backward", "lstm_state_jacobian"
GF, GB, TB = "gru_forward", "gru_backward", "rnn_backward_truncated"
LSTM_GRADS = ("dx", "dh0", "dc0", "W_x", "W_h", "b")
GRU_GRADS = ("dx", "dh0", "W_xr", "W_hr", "b_r", "W_xz", "W_hz", "b_z", "W_xn", "W_hn", "b_n")
RNN_GRADS = ("dx", "dh0", "W_xh", "W_hh", "b_h")
BLOCKS = ("hh", "hc", "ch", "cc")


def entry(code, function, affects, sentence, model, variant=""):
    """A Mistake, its sentence on one line."""
    return Mistake(code, function, tuple(affects), " ".join(sentence.split()), model, variant)
