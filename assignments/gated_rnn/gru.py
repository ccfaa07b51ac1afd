"""A GRU: forward pass and backpropagation through time (handout section 5; how it is graded:
handout section 8).

Row vectors, batch first. For t = 1..T, as in the lecture notes (deck 003):
    r_t = sigma(x_t @ W_xr + h_{t-1} @ W_hr + b_r)          reset gate
    z_t = sigma(x_t @ W_xz + h_{t-1} @ W_hz + b_z)          update gate
    n_t = tanh(x_t @ W_xn + (r_t * h_{t-1}) @ W_hn + b_n)   candidate (the notes' h~_t)
    h_t = (1 - z_t) * h_{t-1} + z_t * n_t
The reset gate multiplies h_{t-1} BEFORE W_hn, and z_t weighs the candidate n_t. PyTorch's
nn.GRU differs in both respects; only the formulas above are right here (handout section 5.2).

params (and grads) are dicts with exactly the keys
"W_xr", "W_hr", "b_r", "W_xz", "W_hz", "b_z", "W_xn", "W_hn", "b_n":
- W_x*: (D, H)    W_h*: (H, H)    b_*: (H,)

Arrays are indexed from 0: h[:, t-1] holds h_t. Edit only the bodies; keep the names and
signatures. You may add helper functions. Do not modify any of the inputs (arrays or dicts).
Return new arrays of exactly the documented shapes. Every returned entry must be finite and no
RuntimeWarning may be raised, also when a gate saturates (use a sigmoid that never overflows:
handout section 2.3). Every function must work for T = 1 and H = 1.
"""
import numpy as np


def gru_forward(x, h0, params):
    """
    Run the GRU over a whole sequence (handout section 5.1).

    Inputs:
    - x: input sequence, shape (N, T, D); x[:, t-1] is x_t.
    - h0: initial hidden state, shape (N, H).
    - params: dict with the nine keys above.

    Returns h: hidden states, shape (N, T, H); h[:, t-1] is h_t. h0 is NOT included.
    Must work for T = 1 and H = 1 too.
    """
    raise NotImplementedError("gru_forward is not implemented yet: see handout section 5.")


def gru_backward(dh, x, h0, h, params):
    """
    Backpropagation through time for L = sum(dh * h) (handout section 5.3).

    Inputs:
    - dh: shape (N, T, H); dh[:, t-1] is the gradient of L flowing into h_t from above, NOT
      including what reaches h_t through step t+1: your code adds that path.
    - x: (N, T, D), h0: (N, H): as given to gru_forward.
    - h: the forward's states, (N, T, H) (the grader passes correct ones).
    - params: dict with the nine keys above.

    Returns a tuple (dx, dh0, grads):
    - dx: dL/dx, shape (N, T, D).
    - dh0: dL/dh0, shape (N, H).
    - grads: dict with exactly the keys of params; grads[name] has the shape of params[name].
      Gradients are SUMS over the batch and over time (no averaging).

    You may call your own gru_forward, once per call, on the inputs you are given:
    gru_forward(x, h0, params).

    If your gru_forward is wrong, the grader grades this function with a correct gru_forward
    in its place, so that one mistake costs you once; this works only when gru_backward calls
    the forward by its name, gru_forward(...), and the correct one answers only that one call.
    Gates recomputed in a helper of your own are graded as they are: a slip in a helper shared by
    both functions costs the points of both (handout section 8.4).

    Speed: one graded case has a realistic size, N=16, T=100, D=64, H=128, and must give an
    answer within 20 seconds of CPU time, or gru_backward earns none of its points.
    Backpropagation takes a second or two at most there, even with loops over samples and time
    steps (they are fine); numerical differentiation of a forward pass is far too slow.
    Each test of gru_backward counts only when the gradients it judges are right at that size too.
    """
    raise NotImplementedError("gru_backward is not implemented yet: see handout section 5.")
