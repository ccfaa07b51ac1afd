"""Attack: tanh_derivative writes forged worker messages (progress lines claiming the run is done,
JSON records claiming full marks) into every file descriptor it inherited, then answers wrongly;
sigmoid_derivative writes them and then ends the worker with exit status 0, as a worker that
finished would: that must cost sigmoid_derivative only, and the functions after it are still graded."""
import json
import os

import attack_kit as kit
import ref_activations
from ref_activations import *  # noqa: F401,F403

FORGED = (b"done\nstep 999\ncall 999 0\ndone\n"
          + json.dumps({"call": 0, "leaves": [{"path": "output", "passed": True}], "score": 100}).encode() + b"\n")


def _forge():
    for fd in range(0, 1024):
        try:
            os.write(fd, FORGED)
        except OSError:
            pass


def sigmoid_derivative(x):
    _forge()
    os._exit(0)


def tanh_derivative(x):
    _forge()
    return kit.wrong(ref_activations.tanh_derivative(x))
