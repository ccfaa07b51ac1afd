import numpy as np


def global_norm(grads):
    return float(np.sqrt(sum(float(np.sum(g * g)) for g in grads.values())))
