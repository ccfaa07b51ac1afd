"""Attack: sigmoid answers with a correct sigmoid found anywhere in the worker's memory (the grader's
public helper, reachable through gc or sys.modules), never computing anything itself."""
import attack_kit
from ref_activations import *  # noqa: F401,F403


def sigmoid(x):
    import ref_activations
    found = attack_kit.foreign_function("sigmoid", "_public_sigmoid")
    return attack_kit.oracle(found is not None, ref_activations.sigmoid, x)
