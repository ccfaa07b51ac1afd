"""Attack: sigmoid_derivative calls sys.exit(0) inside a graded call."""
import sys

from ref_activations import *  # noqa: F401,F403


def sigmoid_derivative(x):
    sys.exit(0)
