"""Attack: hidden_jacobian and gradient_bound delegate to correct versions found in the worker's memory."""
import attack_kit
from ref_jacobian import *  # noqa: F401,F403


def hidden_jacobian(h_t, W_hh, activation="tanh"):
    import ref_jacobian
    found = attack_kit.foreign_function("hidden_jacobian", "_public_hidden_jacobian")
    return attack_kit.oracle(found is not None, ref_jacobian.hidden_jacobian, h_t, W_hh, activation)


def gradient_bound(W_hh, steps, activation="tanh"):
    import ref_jacobian
    found = attack_kit.foreign_function("gradient_bound", "_public_gradient_bound")
    return attack_kit.oracle(found is not None, ref_jacobian.gradient_bound, W_hh, steps, activation)
