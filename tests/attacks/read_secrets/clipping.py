"""Attack: clip_grad_norm answers correctly only if it can read the results file (the test leaves an
old one there, as a re-grade would)."""
import attack_kit as kit
import ref_clipping
from ref_clipping import *  # noqa: F401,F403


def clip_grad_norm(grads, max_norm):
    won = any(kit.readable(p) for p in kit.results_paths())
    return kit.oracle(won, ref_clipping.clip_grad_norm, grads, max_norm)
