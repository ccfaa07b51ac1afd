"""A vanilla RNN: forward pass and backpropagation through time (handout sections 1, 3, 4).

Row vectors, batch first. For t = 1..T:
    h_t = tanh(x_t @ W_xh + h_{t-1} @ W_hh + b_h)
    y_t = h_t @ W_hy + b_y

params (and grads) are dicts with exactly the keys "W_xh", "W_hh", "b_h", "W_hy", "b_y":
- W_xh: (D, H)    W_hh: (H, H)    b_h: (H,)    W_hy: (H, O)    b_y: (O,)

Arrays are indexed from 0: h[:, t-1] holds h_t and x[:, t-1] holds x_t.
Edit only the bodies; keep the names and signatures. You may add helper functions.
Do not modify any of the inputs (arrays or dicts).
"""
import numpy as np


def rnn_forward(x, h0, params):
    """
    Run the RNN over a whole sequence (handout section 3).

    Inputs:
    - x: input sequence, shape (N, T, D); x[:, t-1] is x_t.
    - h0: initial hidden state, shape (N, H).
    - params: dict with W_xh (D, H), W_hh (H, H), b_h (H,), W_hy (H, O), b_y (O,).

    Returns a tuple (h, y):
    - h: hidden states, shape (N, T, H); h[:, t-1] is h_t. h0 is NOT included.
    - y: outputs, shape (N, T, O); y[:, t-1] is y_t.
    """
    raise NotImplementedError("rnn_forward is not implemented yet: see handout section 3.")


def rnn_backward(dh, dy, x, h0, h, params):
    """
    Backpropagation through time for a scalar loss L (handout section 4).

    For example, L = sum(dh * h) + sum(dy * y) has exactly these upstream gradients dh and dy;
    the grader also compares your gradients with central finite differences of that loss.

    Inputs:
    - dh: shape (N, T, H); dh[:, t-1] is the gradient of L flowing into h_t from above
      (from layers on top of the RNN), NOT including what reaches h_t through y_t or
      through h_{t+1}: your code adds those two paths.
    - dy: shape (N, T, O); dy[:, t-1] is dL/dy_t.
    - x: input sequence, shape (N, T, D), as given to rnn_forward.
    - h0: initial hidden state, shape (N, H), as given to rnn_forward.
    - h: hidden states returned by rnn_forward, shape (N, T, H).
    - params: dict with W_xh (D, H), W_hh (H, H), b_h (H,), W_hy (H, O), b_y (O,).

    Returns a tuple (dx, dh0, grads):
    - dx: dL/dx, shape (N, T, D).
    - dh0: dL/dh0, shape (N, H).
    - grads: dict with exactly the keys of params; grads[k] = dL/dparams[k] has the shape of
      params[k]. Gradients are SUMS over the batch and over time (no averaging).

    Speed: one graded case has a realistic size, N=4, T=400, D=64, H=128, and must finish within
    20 seconds of CPU time, or rnn_backward earns none of its points. Backpropagation with NumPy
    takes milliseconds there, and about a second even with loops over samples and time steps
    (they are fine); numerical differentiation of your forward pass is far too slow. Each test
    of rnn_backward counts only when the gradients it judges are right at that size too.
    """
    raise NotImplementedError("rnn_backward is not implemented yet: see handout section 4.")
