"""Bug: diag(h_t) @ W_hh.T: the state itself where phi'(z_t) belongs."""
import numpy as np

BUG_FILE = "jacobian"
BUG_BREAKS = ("hidden_jacobian",)
BUG_CODES = ("jacobian_uses_state_not_derivative",)


def hidden_jacobian(h_t, W_hh, activation="tanh"):
    # dh_t/dh_{t-1}: h_t times the recurrent weights
    return np.einsum("i,ji->ij", h_t, W_hh)
