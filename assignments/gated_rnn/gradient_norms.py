"""Optional experiment (handout section 7, not graded): how far back does a gradient reach?

One sequence of T = 60 steps, a loss on the last hidden state only, L = sum(v * h_T). For every
step s = 0..T-1, the norm of dL/dh_s for a vanilla RNN and for an LSTM of the same size (and dL/dc_s
for the LSTM). The gradient on a state h_s (and c_s) is the dh0 (and dc0) of the backward pass over
the rest of the sequence started from that state, so only your own functions are needed:
lstm_forward and lstm_backward (lstm.py), rnn_backward_truncated with chunk length k = T
(truncated.py, where it is full BPTT).

Run it in the folder that holds your files:   python gradient_norms.py
(or pass that folder: python gradient_norms.py path/to/folder). It prints the norms and, if
matplotlib is installed, saves my_gradient_norms.png in the current folder (the handout's
gradient_norms.png, drawn with the reference solution, is left as it is).
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "."))
from lstm import lstm_backward, lstm_forward  # noqa: E402
from truncated import rnn_backward_truncated  # noqa: E402

T, D, H = 60, 4, 16
rng = np.random.default_rng(0)
x = rng.normal(size=(1, T, D))
v = rng.normal(size=(1, H))                      # dL/dh_T: the loss reads the last state only

# Vanilla RNN, part 1's model; weights of scale 1/sqrt(H) (for this seed W_hh has spectral radius about 1.25).
rnn = {"W_xh": rng.normal(scale=0.5, size=(D, H)), "W_hh": rng.normal(scale=1 / np.sqrt(H), size=(H, H)),
       "b_h": np.zeros(H), "W_hy": np.zeros((H, 1)), "b_y": np.zeros(1)}


def rnn_states(x, h0):
    h, prev = np.zeros((1, x.shape[1], H)), h0
    for t in range(x.shape[1]):
        prev = np.tanh(x[:, t] @ rnn["W_xh"] + prev @ rnn["W_hh"] + rnn["b_h"])
        h[:, t] = prev
    return h


def lstm_params(forget_bias):
    """Same sizes and weight scale as the RNN; the forget gate's bias sets how much f_t keeps."""
    b = np.zeros(4 * H)
    b[H:2 * H] = forget_bias
    return {"W_x": rng.normal(scale=0.5, size=(D, 4 * H)), "W_h": rng.normal(scale=1 / np.sqrt(H), size=(H, 4 * H)),
            "b": b}


def rnn_norms():
    h = rnn_states(x, np.zeros((1, H)))
    states = np.concatenate([np.zeros((1, 1, H)), h], axis=1)       # states[:, s] = h_s, s = 0..T
    out = []
    for s in range(T):                                               # dL/dh_s = dh0 of steps s+1..T
        xs, hs = x[:, s:], states[:, s]
        dh = np.zeros((1, T - s, H))
        dh[:, -1] = v
        _, dhs, _ = rnn_backward_truncated(dh, np.zeros((1, T - s, 1)), xs, hs, rnn_states(xs, hs), rnn, T)
        out.append(np.linalg.norm(dhs))
    return np.array(out)


def lstm_norms(params):
    z = np.zeros((1, H))
    h, c = lstm_forward(x, z, z, params)
    hs = np.concatenate([z[:, None], h], axis=1)
    cs = np.concatenate([z[:, None], c], axis=1)
    out_h, out_c = [], []
    for s in range(T):
        xs, h_s, c_s = x[:, s:], hs[:, s], cs[:, s]
        hh, cc = lstm_forward(xs, h_s, c_s, params)
        dh = np.zeros((1, T - s, H))
        dh[:, -1] = v
        _, dh_s, dc_s, _ = lstm_backward(dh, np.zeros_like(dh), xs, h_s, c_s, hh, cc, params)
        out_h.append(np.linalg.norm(dh_s))
        out_c.append(np.linalg.norm(dc_s))
    return np.array(out_h), np.array(out_c)


curves = {"vanilla RNN, |dL/dh_s|": rnn_norms()}
for bias in (3.0, 0.0):
    nh, nc = lstm_norms(lstm_params(bias))
    curves[f"LSTM (forget bias {bias:g}), |dL/dh_s|"] = nh
    curves[f"LSTM (forget bias {bias:g}), |dL/dc_s|"] = nc

steps = np.arange(T)
for name, norms in curves.items():
    print(f"{name:36s}" + "  ".join(f"s={s}: {norms[s]:.2e}" for s in (0, 20, 40, 59)))

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    sys.exit(0)
fig, ax = plt.subplots(figsize=(6.4, 3.6), dpi=100)
styles = ["k-", "C0-", "C1-", "C0:", "C1:"]
for (name, norms), style in zip(curves.items(), styles):
    ax.semilogy(steps, norms, style, label=name, linewidth=1.6)
ax.set_xlabel("s  (the loss reads h_T, T = 60)")
ax.set_ylabel("gradient norm")
ax.set_title("How far back the gradient of a loss on h_T reaches")
ax.legend(fontsize=7, loc="lower right")
ax.grid(True, which="major", alpha=0.3)
fig.tight_layout()
fig.savefig("my_gradient_norms.png")
print("saved my_gradient_norms.png")
