"""Truncated backpropagation through time for the vanilla RNN of part 1 (handout section 6; how
it is graded: handout section 8).

The RNN is part 1's, row vectors, batch first. For t = 1..T:
    h_t = tanh(x_t @ W_xh + h_{t-1} @ W_hh + b_h)
    y_t = h_t @ W_hy + b_y
params (and grads) are dicts with exactly the keys "W_xh", "W_hh", "b_h", "W_hy", "b_y":
- W_xh: (D, H)    W_hh: (H, H)    b_h: (H,)    W_hy: (H, O)    b_y: (O,)

Arrays are indexed from 0: h[:, t-1] holds h_t. Edit only the body; keep the name and the
signature. You may add helper functions; this file must not import your part 1 files (copy what
you need). Do not modify any of the inputs (arrays or dicts). Return new arrays of exactly the
documented shapes, all entries finite, with no RuntimeWarning. It must work for T = 1, H = 1 and
every k >= 1, whether or not k divides T.
"""
import numpy as np


def rnn_backward_truncated(dh, dy, x, h0, h, params, k):
    """
    Truncated BPTT in chunks of k steps (handout section 6).

    The forward pass is cut into chunks of k steps by detaching the hidden state: h_k, h_2k,
    h_3k, ... are read as constants by the step after them. So, for every m >= 1, NO gradient
    flows from step mk+1 back into h_mk. Everything else is as in part 1's rnn_backward:
    - h_mk still receives its own dh and dy terms;
    - step mk+1 still adds its term h_mk^T dz_{mk+1} to dW_hh;
    - dW_hy and db_y are as in full BPTT;
    - h0 is never detached: dh0 is the gradient into h0 through the first chunk (steps 1..k).
    For k >= T nothing is detached and the result equals full BPTT. k need not divide T
    (the last chunk is then shorter).

    Inputs:
    - dh: shape (N, T, H), gradient of L flowing into each h_t from above (not through time).
    - dy: shape (N, T, O), dL/dy_t.
    - x: (N, T, D), h0: (N, H): the inputs of the forward pass.
    - h: the forward's states, (N, T, H) (the grader passes correct ones).
    - params: dict with W_xh (D, H), W_hh (H, H), b_h (H,), W_hy (H, O), b_y (O,).
    - k: int >= 1, the chunk length.

    Returns a tuple (dx, dh0, grads):
    - dx: shape (N, T, D); dh0: shape (N, H);
    - grads: dict with exactly the keys of params; grads[name] has the shape of params[name];
      sums over the batch and over time (no averaging).

    Speed: one graded case has a realistic size, N=4, T=400, D=64, H=128, O=10, k=350, and must
    give an answer within 20 seconds of CPU time, or rnn_backward_truncated earns none of its
    points. Backpropagation takes a second or two at most there, even with loops over samples
    and time steps (they are fine); numerical differentiation of a forward pass is far too slow.
    Each test of rnn_backward_truncated counts only when the gradients it judges are right at that
    size too.
    """
    raise NotImplementedError("rnn_backward_truncated is not implemented yet: see handout section 6.")
