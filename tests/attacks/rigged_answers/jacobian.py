"""Attack: gradient_bound returns a float subclass that claims to equal everything (its value, -1, is
wrong and is no bound at all)."""
from ref_jacobian import *  # noqa: F401,F403


class Liar(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = float.__hash__


def gradient_bound(W_hh, steps, activation="tanh"):
    return Liar(-1.0)
