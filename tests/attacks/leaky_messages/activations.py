"""Attack: carry the hidden inputs out through every free-text channel of the feedback: exception
messages, warning texts, a class name, a returned string (tanh_derivative, sigmoid_derivative,
sigmoid). Each answers wrongly, so it scores 0; the test reads the feedback for the inputs."""
import warnings

import numpy as np


def _text(x):
    return "LEAK" + ",".join(repr(float(v)) for v in np.ravel(x)[:40])


def sigmoid(x):     # a class name holds letters and digits only: m for -, d for ., c for ,
    return type(_text(x).replace("-", "m").replace(".", "d").replace(",", "c"), (), {})()


def sigmoid_derivative(x):
    warnings.warn(_text(x), RuntimeWarning, stacklevel=1)
    return _text(x)


def tanh_derivative(x):
    raise ValueError(_text(x))
