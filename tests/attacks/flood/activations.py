"""Attack: tanh_derivative writes 100 MB to stdout and to stderr, then answers wrongly."""
import os
import sys

import attack_kit as kit
import ref_activations
from ref_activations import *  # noqa: F401,F403

CHUNK = ("{\"score\": 100} " * 70000)[: 1 << 20]


def _flood():
    for _ in range(50):
        sys.stdout.write(CHUNK)
        sys.stderr.write(CHUNK)
    sys.stdout.flush()
    sys.stderr.flush()
    os.write(1, b"\n")


def tanh_derivative(x):
    kit.once("flood", _flood)
    return kit.wrong(ref_activations.tanh_derivative(x))
