"""Deterministic inputs for the checks, built in the trusted process.

Fixed cases use NumPy generators seeded from their names; generated cases are drawn by
Hypothesis (pinned version, derandomized, no database, no deadline), which picks sizes, a
seed and a scale; values then come from a generator with that seed. Nothing here reads global
random state, so a submission that reseeds numpy or random cannot change its inputs.
"""
from __future__ import annotations

import zlib
from typing import Any

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from autograder.contract import PARAM_KEYS


def rng(name: str) -> np.random.Generator:
    """A generator seeded by a stable hash of NAME."""
    return np.random.default_rng(zlib.crc32(name.encode()))


def draws(strategy: st.SearchStrategy, n: int) -> list[Any]:
    """The first n examples Hypothesis draws from strategy, the same on every run."""
    out: list[Any] = []

    @settings(max_examples=n, derandomize=True, database=None, deadline=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(value):
        out.append(value)

    collect()
    return out[:n]


def sizes(**ranges: tuple[int, int]) -> st.SearchStrategy:
    """A strategy for a dict of sizes plus a seed and a value scale."""
    parts = {k: st.integers(lo, hi) for k, (lo, hi) in ranges.items()}
    parts["seed"] = st.integers(0, 2**32 - 1)
    parts["scale"] = st.sampled_from([0.5, 1.0, 1.5])
    return st.fixed_dictionaries(parts)


def rnn_params(g: np.random.Generator, D: int, H: int, O: int, scale: float = 1.0) -> dict[str, np.ndarray]:
    """Random parameters; W_hh is never symmetric (so a transpose slip shows) when H > 1."""
    shapes = {"W_xh": (D, H), "W_hh": (H, H), "b_h": (H,), "W_hy": (H, O), "b_y": (O,)}
    params = {k: g.normal(0.0, scale / np.sqrt(max(s[0], 1)), size=s) for k, s in shapes.items()}
    params["b_h"] = g.normal(0.0, 0.5 * scale, size=H)
    params["b_y"] = g.normal(0.0, 0.5 * scale, size=O)
    return {k: params[k] for k in PARAM_KEYS}


def random_states(g: np.random.Generator, shape: tuple[int, ...], activation: str) -> np.ndarray:
    """Hidden states strictly inside the activation's range."""
    z = g.normal(0.0, 1.0, size=shape)
    return np.tanh(z) if activation == "tanh" else 1.0 / (1.0 + np.exp(-z))


def non_symmetric(g: np.random.Generator, H: int, scale: float = 1.0) -> np.ndarray:
    W = g.normal(0.0, scale / np.sqrt(H), size=(H, H))
    if H > 1:
        W[0, 1] += 0.5 * scale   # guarantees W != W.T
    return W
