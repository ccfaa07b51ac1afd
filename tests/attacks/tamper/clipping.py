"""Attack: clip_grad_norm answers correctly only if it could write somewhere that outlives it or that
the grader trusts: the grader's code, the reference, the worker's Python runtime (NumPy, stdlib,
site-packages), the results folder, its own staged submission (read again by later runs) or any
other staged submission in /tmp. Probes are harmless: files are opened without writing, and a
file created to test a folder is removed at once."""
import glob
import os
import sys

import attack_kit as kit
import numpy as np
import ref_clipping
from ref_clipping import *  # noqa: F401,F403

FILES = [os.path.join(kit.REPO, p) for p in ("autograder/engine/scoring.py", "autograder/pipeline/grade.py",
                                               "reference/rnn_bptt/solution/rnn.py", "autograder/sandbox/wire.py")]


def _folders():
    here = os.path.dirname(os.path.abspath(__file__))
    yield from (here, os.path.join(kit.REPO, "autograder"), os.path.join(kit.REPO, "reference", "solution"))
    yield os.path.dirname(np.__file__)
    yield os.path.dirname(os.__file__)
    yield from (p for p in sys.path if p and os.path.isdir(p))
    yield os.path.dirname(os.path.abspath(kit.RESULTS))
    yield from glob.glob("/tmp/rnn-submission-*")
    yield from glob.glob("/tmp/rnn-grade-*/submission")


def _files():
    yield from FILES
    here = os.path.dirname(os.path.abspath(__file__))
    yield from (os.path.join(here, f) for f in ("rnn.py", "activations.py", "jacobian.py"))
    yield os.path.join(os.path.dirname(np.__file__), "__init__.py")
    yield os.__file__


def clip_grad_norm(grads, max_norm):
    won = kit.once("tamper", lambda: any(map(kit.writable_file, _files())) or any(map(kit.creatable_in, _folders())))
    return kit.oracle(won, ref_clipping.clip_grad_norm, grads, max_norm)
