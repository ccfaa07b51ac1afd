"""Attack: sigmoid allocates and touches 4 GiB (and a 3 GiB bytearray); it answers correctly only if
the allocation succeeded, i.e. if the worker's memory is not limited."""
import attack_kit as kit
import numpy as np
import ref_activations
from ref_activations import *  # noqa: F401,F403


def _hog():
    won = False
    try:
        hog = np.ones(4 << 27)          # 4 GiB of float64
        won = bool(hog[-1] == 1.0)
        del hog
    except MemoryError:
        pass
    try:
        blob = bytearray(3 << 30)
        won = won or len(blob) > 0
        del blob
    except MemoryError:
        pass
    return won


def sigmoid(x):
    return kit.oracle(kit.once("hog", _hog), ref_activations.sigmoid, x)
