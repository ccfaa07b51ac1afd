"""Attack: tanh_derivative prints a fake full-score results JSON, tries to write it to the results
path, and exits 0 in the middle of a call."""
import json
import os
import sys

import attack_kit as kit
from ref_activations import *  # noqa: F401,F403 - the other functions are correct


def tanh_derivative(x):
    fake = {"score": 100.0, "output": f"FAKE-{kit.TOKEN}",
            "tests": [{"name": "tanh_derivative: everything", "score": 100.0, "max_score": 100.0}]}
    text = json.dumps(fake)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
    sys.stderr.write(text + "\n")
    sys.stderr.flush()
    for path in kit.results_paths():
        try:
            with open(path, "w") as f:
                f.write(text)
        except OSError:
            pass
    os._exit(0)
