"""Shared helpers for the gated_rnn tests: paths, loading files by path, and random inputs.

The reference lives in reference/gated_rnn/solution/{lstm,gru,truncated}.py, the same module names
a student submission uses; it is imported under ``gated_reference.<name>`` so that it never
collides with another ``lstm`` in ``sys.modules``.
"""
import importlib.util
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))     # tests/: part 1's helpers, shared
from helpers_reference import load_module_from_path  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
GATED_REFERENCE = REPO_ROOT / "reference" / "gated_rnn"
SOLUTION_DIR = GATED_REFERENCE / "solution"
STUBS_DIR = REPO_ROOT / "assignments" / "gated_rnn"
STUDENT_FILES = ("lstm.py", "gru.py", "truncated.py")
LSTM_KEYS = ("W_x", "W_h", "b")
GRU_KEYS = ("W_xr", "W_hr", "b_r", "W_xz", "W_hz", "b_z", "W_xn", "W_hn", "b_n")
RNN_KEYS = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def reference(name: str):
    """reference/gated_rnn/solution/<name>.py as the module ``gated_reference.<name>``."""
    return load_module_from_path(SOLUTION_DIR / f"{name}.py", f"gated_reference.{name}")


def derivations():
    return load_module_from_path(GATED_REFERENCE / "derivations.py", "gated_reference_derivations")


def module_from_source(source: str, module_name: str):
    """A fresh module executed from source text (our own files only: the bank, the variants)."""
    spec = importlib.util.spec_from_loader(module_name, loader=None)
    module = importlib.util.module_from_spec(spec)
    exec(compile(source, module_name, "exec"), module.__dict__)  # noqa: S102 - trusted project files
    return module


# ---- random inputs, drawn as the contract (docs/contracts/gated_rnn.md) allows -----------------------
def lstm_params(rng, D, H, scale=0.6):
    return {"W_x": rng.normal(scale=scale, size=(D, 4 * H)), "W_h": rng.normal(scale=scale, size=(H, 4 * H)),
            "b": rng.normal(scale=scale, size=4 * H)}


def gru_params(rng, D, H, scale=0.6):
    p = {}
    for g in "rzn":
        p[f"W_x{g}"] = rng.normal(scale=scale, size=(D, H))
        p[f"W_h{g}"] = rng.normal(scale=scale, size=(H, H))
        p[f"b_{g}"] = rng.normal(scale=scale, size=H)
    return p


def rnn_params(rng, D, H, O, scale=0.6):
    return {"W_xh": rng.normal(scale=scale, size=(D, H)), "W_hh": rng.normal(scale=scale, size=(H, H)),
            "b_h": rng.normal(scale=scale, size=H), "W_hy": rng.normal(scale=scale, size=(H, O)),
            "b_y": rng.normal(scale=scale, size=O)}


def rnn_states(x, h0, params):
    """The vanilla forward of part 1 (states only): x (N, T, D), h0 (N, H) -> h (N, T, H)."""
    h, prev = np.zeros(x.shape[:2] + h0.shape[1:]), h0
    for t in range(x.shape[1]):
        prev = np.tanh(x[:, t] @ params["W_xh"] + prev @ params["W_hh"] + params["b_h"])
        h[:, t] = prev
    return h


def lstm_case(seed, N=2, T=4, D=3, H=3):
    """Arguments for every LSTM function: dict with x, h0, c0, params, dh, dc and the reference h, c."""
    rng = np.random.default_rng(seed)
    case = {"x": rng.normal(size=(N, T, D)), "h0": rng.uniform(-0.9, 0.9, (N, H)),
            "c0": rng.uniform(-3, 3, (N, H)), "params": lstm_params(rng, D, H),
            "dh": rng.normal(size=(N, T, H)), "dc": rng.normal(size=(N, T, H))}
    case["h"], case["c"] = reference("lstm").lstm_forward(case["x"], case["h0"], case["c0"], case["params"])
    return case


def gru_case(seed, N=2, T=4, D=3, H=3):
    rng = np.random.default_rng(seed)
    case = {"x": rng.normal(size=(N, T, D)), "h0": rng.uniform(-0.9, 0.9, (N, H)),
            "params": gru_params(rng, D, H), "dh": rng.normal(size=(N, T, H))}
    case["h"] = reference("gru").gru_forward(case["x"], case["h0"], case["params"])
    return case


def rnn_case(seed, N=2, T=7, D=3, H=3, O=2):
    rng = np.random.default_rng(seed)
    case = {"x": rng.normal(size=(N, T, D)), "h0": rng.uniform(-0.9, 0.9, (N, H)),
            "params": rnn_params(rng, D, H, O), "dh": rng.normal(size=(N, T, H)),
            "dy": rng.normal(size=(N, T, O))}
    case["h"] = rnn_states(case["x"], case["h0"], case["params"])
    return case


def call(module, function: str, case: dict, k: int | None = None):
    """Call a gated_rnn student function of module on a case (copies of its arrays)."""
    c = {key: ({n: a.copy() for n, a in v.items()} if isinstance(v, dict) else v.copy())
         for key, v in case.items()}
    p = c["params"]
    if function == "lstm_forward":
        return module.lstm_forward(c["x"], c["h0"], c["c0"], p)
    if function == "lstm_backward":
        return module.lstm_backward(c["dh"], c["dc"], c["x"], c["h0"], c["c0"], c["h"], c["c"], p)
    if function == "lstm_state_jacobian":
        return module.lstm_state_jacobian(c["x"][0, 0], c["h0"][0], c["c0"][0], p)
    if function == "gru_forward":
        return module.gru_forward(c["x"], c["h0"], p)
    if function == "gru_backward":
        return module.gru_backward(c["dh"], c["x"], c["h0"], c["h"], p)
    if function == "rnn_backward_truncated":
        return module.rnn_backward_truncated(c["dh"], c["dy"], c["x"], c["h0"], c["h"], p, k)
    raise ValueError(f"unknown gated_rnn function {function!r}")


def flatten(out) -> list[np.ndarray]:
    """Every array in a function's answer, in a fixed order (dict entries by sorted key)."""
    if isinstance(out, dict):
        return [a for key in sorted(out) for a in flatten(out[key])]
    if isinstance(out, (tuple, list)):
        return [a for item in out for a in flatten(item)]
    return [np.asarray(out, dtype=np.float64)]


def same(a, b, rtol=1e-9, atol=1e-11) -> bool:
    """Two answers equal entry by entry (same structure and shapes)."""
    fa, fb = flatten(a), flatten(b)
    return len(fa) == len(fb) and all(x.shape == y.shape and np.allclose(x, y, rtol=rtol, atol=atol)
                                      for x, y in zip(fa, fb))
