"""Bug: the notes' product prod_{i=k+1}^t W^T diag(phi'_i) multiplied left to right, each factor
W_hh @ diag(phi') (the column convention's W^T diag(phi') with W = W_hh.T), which gives the
transpose of dh_t/dh_k."""
import numpy as np

BUG_FILE = "jacobian"
BUG_BREAKS = ("jacobian_through_time",)
BUG_CODES = ("jacobian_product_transposed",)


def jacobian_through_time(hs, W_hh, k, t, activation="tanh"):
    grad = np.eye(W_hh.shape[0])
    for i in range(k + 1, t + 1):
        if activation == "tanh":
            dphi = 1 - hs[i] ** 2
        else:
            dphi = hs[i] * (1 - hs[i])
        grad = grad @ W_hh @ np.diag(dphi)
    return grad
