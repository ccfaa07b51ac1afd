"""Bug: the product through time built as J_{k+1} @ ... @ J_t (new factor on the right)."""
import numpy as np

BUG_FILE = "jacobian"
BUG_BREAKS = ("jacobian_through_time",)
BUG_CODES = ("jacobian_product_order",)


def jacobian_through_time(hs, W_hh, k, t, activation="tanh"):
    result = np.eye(W_hh.shape[0])
    for i in range(k + 1, t + 1):
        result = result @ hidden_jacobian(hs[i], W_hh, activation)  # noqa: F821 - same file
    return result
