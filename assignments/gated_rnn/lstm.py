"""An LSTM: forward pass, backpropagation through time, and the one-step state Jacobian
(handout sections 1 to 4; how it is graded: handout section 8).

Row vectors, batch first. For t = 1..T, with a_t split into four quarters of H columns:
    a_t = x_t @ W_x + h_{t-1} @ W_h + b                       (N, 4H)
    i_t = sigma(a_t[:, 0:H])      input gate
    f_t = sigma(a_t[:, H:2H])     forget gate
    o_t = sigma(a_t[:, 2H:3H])    output gate
    g_t = tanh(a_t[:, 3H:4H])     candidate (the notes' C~_t)
    c_t = f_t * c_{t-1} + i_t * g_t
    h_t = o_t * tanh(c_t)
The gate order is i, f, o, g (as in CS231n; PyTorch's i, f, g, o is NOT this assignment's).

params (and grads) are dicts with exactly the keys "W_x", "W_h", "b":
- W_x: (D, 4H)    W_h: (H, 4H)    b: (4H,)

Arrays are indexed from 0: h[:, t-1] holds h_t, c[:, t-1] holds c_t, x[:, t-1] holds x_t.
Edit only the bodies; keep the names and signatures. You may add helper functions.
Do not modify any of the inputs (arrays or dicts). Return new arrays of exactly the documented
shapes. Every returned entry must be finite and no RuntimeWarning may be raised, also when a gate
saturates (use a sigmoid that never overflows: handout section 2.3). Every function must work
for T = 1 and H = 1.
"""
import numpy as np


def lstm_forward(x, h0, c0, params):
    """
    Run the LSTM over a whole sequence (handout section 2).

    Inputs:
    - x: input sequence, shape (N, T, D); x[:, t-1] is x_t.
    - h0: initial hidden state, shape (N, H).
    - c0: initial cell state, shape (N, H). Use it: the first step is c_1 = f_1 * c0 + i_1 * g_1.
    - params: dict with W_x (D, 4H), W_h (H, 4H), b (4H,).

    Returns a tuple (h, c):
    - h: hidden states, shape (N, T, H); h[:, t-1] is h_t. h0 is NOT included.
    - c: cell states, shape (N, T, H); c[:, t-1] is c_t. c0 is NOT included.

    Must work for T = 1 and H = 1 too.
    """
    raise NotImplementedError("lstm_forward is not implemented yet: see handout section 2.")


def lstm_backward(dh, dc, x, h0, c0, h, c, params):
    """
    Backpropagation through time for L = sum(dh * h) + sum(dc * c) (handout section 3).

    Inputs:
    - dh: shape (N, T, H); dh[:, t-1] is the gradient of L flowing into h_t from above, NOT
      including what reaches h_t through step t+1: your code adds that path.
    - dc: shape (N, T, H); the same for each c_t (often all zeros, but not always: use it).
    - x: (N, T, D), h0: (N, H), c0: (N, H): as given to lstm_forward.
    - h, c: the forward's states, each (N, T, H) (the grader passes correct ones).
    - params: dict with W_x (D, 4H), W_h (H, 4H), b (4H,).

    Returns a tuple (dx, dh0, dc0, grads):
    - dx: dL/dx, shape (N, T, D).
    - dh0: dL/dh0, shape (N, H).
    - dc0: dL/dc0, shape (N, H).
    - grads: dict with exactly the keys of params; grads[name] = dL/dparams[name] has the shape
      of params[name]. Gradients are SUMS over the batch and over time (no averaging).

    The gradient reaching c_t comes from dc[:, t-1], from h_t = o_t * tanh(c_t) and from
    c_{t+1} = f_{t+1} * c_t + ... . You may call your own lstm_forward, once per call, on the
    inputs you are given: lstm_forward(x, h0, c0, params).

    If your lstm_forward is wrong, the grader grades this function with a correct lstm_forward
    in its place, so that one mistake costs you once; this works only when lstm_backward calls
    the forward by its name, lstm_forward(...), and the correct one answers only that one call.
    Gates recomputed in a helper of your own are graded as they are: a slip in a helper shared by
    both functions costs the points of both (handout section 8.4).

    Speed: one graded case has a realistic size, N=16, T=100, D=64, H=128, and must give an
    answer within 20 seconds of CPU time, or lstm_backward earns none of its points.
    Backpropagation takes a second or two at most there, even with loops over samples and time
    steps (they are fine); numerical differentiation of a forward pass is far too slow.
    Each test of lstm_backward counts only when the gradients it judges are right at that size too.
    """
    raise NotImplementedError("lstm_backward is not implemented yet: see handout section 3.")


def lstm_state_jacobian(x_t, h_prev, c_prev, params):
    """
    The Jacobian of one LSTM step's state s_t = [h_t, c_t] with respect to s_{t-1} = [h_{t-1}, c_{t-1}]
    (handout section 4), for ONE example.

    Inputs:
    - x_t: input, shape (D,).
    - h_prev: h_{t-1}, shape (H,).
    - c_prev: c_{t-1}, shape (H,).
    - params: dict with W_x (D, 4H), W_h (H, 4H), b (4H,).

    Returns J, shape (2H, 2H), numerator layout: J[i, j] = d s_t[i] / d s_{t-1}[j], i.e.
        J = [[d h_t / d h_{t-1},  d h_t / d c_{t-1}],
             [d c_t / d h_{t-1},  d c_t / d c_{t-1}]]     (four H x H blocks, each graded on its own)
    The lower-right block is diag(f_t); the upper-right block is diag(o_t * (1 - tanh(c_t)^2) * f_t).
    """
    raise NotImplementedError("lstm_state_jacobian is not implemented yet: see handout section 4.")
