"""Deterministic inputs for the checks, built in the trusted process.

Every value comes from a `Draw`: hidden cases from the submission's draw (keyed by the course
secret and the canonical form of the submitted code, see canonical.py), so they differ from one
submission to the next but are the same on every regrade of the same code; the few visible
examples from `VISIBLE`, a public key, so they are the same for everyone and never a hidden case.
Shapes and edge cases do not depend on the draw (every submission gets the same mix); the sizes
of generated cases are drawn by Hypothesis (pinned version, derandomized, no database, no
deadline), and their values come from the submission's draw. Nothing here reads global random
state, so a submission that reseeds numpy or random cannot change its inputs.

Drawing costs about 0.35 s per grade, so the draws are memoised on disk, keyed by the assignment
(cache_scope), Hypothesis' version and the request (RNN_AUTOGRADER_CACHE, default
~/.cache/rnn-autograder; on Gradescope the image's build fills it). A cache hit returns exactly
what Hypothesis drew, without even importing it; a missing, unreadable or malformed cache entry is simply drawn again.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Draw:
    """Where one grade's random values come from: named, independent generators under one key."""

    key: bytes

    def seed(self, name: str) -> int:
        """A 64-bit seed for NAME under this draw's key (HMAC-SHA256)."""
        return int.from_bytes(hmac.new(self.key, name.encode(), hashlib.sha256).digest()[:8], "little")

    def rng(self, name: str) -> np.random.Generator:
        return np.random.default_rng(self.seed(name))


VISIBLE = Draw(b"rnn-autograder: visible examples (public, fixed, never a hidden case)")
STRUCTURE = Draw(b"rnn-autograder: shapes (the same mix for every submission)")


def submission_draw(secret: bytes, code_digest: bytes) -> Draw:
    """The hidden cases' draw of one submission: the course secret and the canonical code's digest."""
    return Draw(hmac.new(secret, b"rnn-autograder hidden cases v1\0" + code_digest, hashlib.sha256).digest())


def draws(strategy, n: int) -> list[Any]:
    """The first n examples Hypothesis draws from strategy, the same on every run."""
    from hypothesis import HealthCheck, Phase, given, settings

    out: list[Any] = []

    @settings(max_examples=n, derandomize=True, database=None, deadline=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(value):
        out.append(value)

    collect()
    return out[:n]


SCALES = (0.5, 1.0, 1.5)


def sizes(**ranges: tuple[int, int]):
    """A strategy for a dict of sizes plus a seed and a value scale."""
    from hypothesis import strategies as st

    parts = {k: st.integers(lo, hi) for k, (lo, hi) in ranges.items()}
    parts["seed"] = st.integers(0, 2**32 - 1)
    parts["scale"] = st.sampled_from(list(SCALES))
    return st.fixed_dictionaries(parts)


@functools.cache
def hypothesis_version() -> str:
    """Hypothesis' version without importing it where the package metadata is there to read (read
    once per process: the package metadata is parsed again on every importlib.metadata.version).
    Read from its .dist-info folder's METADATA directly when that is unambiguous (dist_info_version),
    else by importlib.metadata (whose import, with email, costs ~30 ms of a cold grade)."""
    found = dist_info_version("hypothesis")
    if found:
        return found
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hypothesis")
    except PackageNotFoundError:      # e.g. a runtime copy without .dist-info folders
        import hypothesis

        return hypothesis.__version__


def dist_info_version(name: str) -> str | None:
    """The Version of the first distribution NAME on sys.path, as importlib.metadata.version gives it,
    when the first folder on sys.path that holds one holds exactly one NAME-*.dist-info and no
    .egg-info of it; None otherwise (then importlib.metadata decides)."""
    import sys

    prefix = name.lower() + "-"
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found = [n for n in names if n.lower().startswith(prefix) or n.lower() == f"{name.lower()}.egg-info"]
        found = [n for n in found if n.lower().endswith((".dist-info", ".egg-info"))]
        if not found:
            continue
        if len(found) != 1 or not found[0].endswith(".dist-info"):
            return None
        try:
            with open(os.path.join(entry or ".", found[0], "METADATA"), encoding="utf-8") as f:
                for line in f:
                    if not line.strip():
                        break             # the headers end at the first blank line
                    if line.startswith("Version:"):
                        return line[len("Version:"):].strip() or None
        except (OSError, UnicodeDecodeError):
            return None
        return None
    return None


def cache_dir() -> Path:
    return Path(os.environ.get("RNN_AUTOGRADER_CACHE") or Path.home() / ".cache" / "rnn-autograder")


_SCOPE: ContextVar[str] = ContextVar("draw_cache_scope", default="")


@contextmanager
def cache_scope(assignment: str) -> Iterator[None]:
    """Within it, cached draws are filed under the assignment's name (grade.build_cases sets it)."""
    token = _SCOPE.set(assignment)
    try:
        yield
    finally:
        _SCOPE.reset(token)


def generated_sizes(n: int, **ranges: tuple[int, int]) -> list[dict]:
    """n dicts of sizes (within the inclusive ranges), a seed and a scale, drawn by Hypothesis."""
    key = json.dumps([hypothesis_version(), n, sorted(ranges.items()), SCALES, "sizes-v1"])
    scope = _SCOPE.get()
    path = cache_dir() / f"{scope + '-' if scope else ''}draws-{hashlib.sha256(key.encode()).hexdigest()[:24]}.json"
    if path not in _SEEN:         # the file is read (or drawn and written) once per process
        cached = _read_cache(path, n, ranges)
        if cached is None:
            cached = draws(sizes(**ranges), n)
            _write_cache(path, cached)
        _SEEN[path] = cached
    return [dict(d) for d in _SEEN[path]]


_SEEN: dict[Path, list[dict]] = {}     # generated_sizes' answers in this process, by cache file


def _read_cache(path: Path, n: int, ranges: dict) -> list[dict] | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    names = set(ranges) | {"seed", "scale"}
    ok = isinstance(data, list) and len(data) <= n and all(
        isinstance(d, dict) and set(d) == names and d["scale"] in SCALES
        and isinstance(d["seed"], int) and 0 <= d["seed"] < 2**32
        and all(isinstance(d[k], int) and lo <= d[k] <= hi for k, (lo, hi) in ranges.items()) for d in data)
    return data if ok else None


def _write_cache(path: Path, drawn: list[dict]) -> None:
    """Best effort, atomic: a grader that cannot write its cache still grades."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".draws-")
        with os.fdopen(fd, "w") as f:
            json.dump(drawn, f)
        os.replace(tmp, path)
    except OSError:
        pass


def random_states(g: np.random.Generator, shape: tuple[int, ...], activation: str) -> np.ndarray:
    """Hidden states strictly inside the activation's range."""
    z = g.normal(0.0, 1.0, size=shape)
    return np.tanh(z) if activation == "tanh" else 1.0 / (1.0 + np.exp(-z))


def non_symmetric(g: np.random.Generator, H: int, scale: float = 1.0) -> np.ndarray:
    W = g.normal(0.0, scale / np.sqrt(H), size=(H, H))
    if H > 1:
        W[0, 1] += 0.5 * scale   # guarantees W != W.T
    return W
