"""The public maths of the gated_rnn handout that replaces a student's faulty forward (SPEC: functions
that build on others), as source text for the worker, like autograder/public_helpers.py.

Only the run that grades a backward pass whose forward failed receives its forward's source, after
the forward itself was graded in another worker. Each helper is one self-contained function of
NumPy (imported as np in its namespace): its sigmoid is defined inside it.
"""
from __future__ import annotations

import inspect

import numpy as np


def lstm_forward(x, h0, c0, params):
    def sigmoid(a):
        e = np.exp(-np.abs(a))
        return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    N, T, _ = x.shape
    H = params["W_h"].shape[0]
    h, c = np.zeros((N, T, H)), np.zeros((N, T, H))
    h_prev, c_prev = h0, c0
    for t in range(T):
        a = x[:, t] @ params["W_x"] + h_prev @ params["W_h"] + params["b"]
        i, f, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), sigmoid(a[:, 2 * H:3 * H])
        c_prev = f * c_prev + i * np.tanh(a[:, 3 * H:])
        h_prev = o * np.tanh(c_prev)
        h[:, t], c[:, t] = h_prev, c_prev
    return h, c


def gru_forward(x, h0, params):
    def sigmoid(a):
        e = np.exp(-np.abs(a))
        return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    p = params
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    h_prev = h0
    for t in range(T):
        x_t = x[:, t]
        r = sigmoid(x_t @ p["W_xr"] + h_prev @ p["W_hr"] + p["b_r"])
        z = sigmoid(x_t @ p["W_xz"] + h_prev @ p["W_hz"] + p["b_z"])
        n = np.tanh(x_t @ p["W_xn"] + (r * h_prev) @ p["W_hn"] + p["b_n"])
        h_prev = (1.0 - z) * h_prev + z * n
        h[:, t] = h_prev
    return h


HELPERS = {"lstm_forward": lstm_forward, "gru_forward": gru_forward}


def source(name: str) -> str:
    """The source text of helper NAME, as the worker executes it."""
    return inspect.getsource(HELPERS[name])
