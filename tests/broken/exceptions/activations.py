"""activations.py: every function raises something a plain `except Exception` would not catch."""
import sys


class GiveUp(BaseException):
    """A custom BaseException subclass whose message cannot even be printed."""

    def __str__(self):
        raise RuntimeError("cannot print this")


def sigmoid(x):
    sys.exit("sigmoid: not done yet")


def sigmoid_derivative(x):
    raise GiveUp()


def tanh_derivative(x):
    raise KeyboardInterrupt
