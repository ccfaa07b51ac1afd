"""Attack: one generic central-difference routine, no backpropagation anywhere."""
import numpy as np

EPS = 1e-6


def gradients(loss, inputs):
    """{name: dloss/dinputs[name]} by central differences, one entry at a time (in place, restored)."""
    out = {}
    for name, arr in inputs.items():
        g = np.zeros(arr.shape)
        for idx in np.ndindex(arr.shape):
            keep = arr[idx]
            arr[idx] = keep + EPS
            up = loss(inputs)
            arr[idx] = keep - EPS
            down = loss(inputs)
            arr[idx] = keep
            g[idx] = (up - down) / (2 * EPS)
        out[name] = g
    return out


def jacobian(fn, vector):
    """d fn(v) / d v (numerator layout) by central differences, one column at a time."""
    columns = []
    for j in range(vector.size):
        up, down = vector.copy(), vector.copy()
        up[j] += EPS
        down[j] -= EPS
        columns.append((fn(up) - fn(down)) / (2 * EPS))
    return np.stack(columns, axis=1)
