"""Winnowing (Schleimer, Wilkerson and Aiken 2003, as MOSS does it): a document's fingerprints are
the smallest hash in every window of W consecutive hashes of its K-token passages (k-grams).

Any passage of at least W + K - 1 tokens that two documents share gives them at least one
fingerprint in common, and no passage shorter than K can: noise such as `return V` is never a
match. Each unit (tokens.Unit) is winnowed on its own, so no k-gram spans two functions.

A fingerprint: (hash, unit name, ((file, first line, last line), ...)) - the runs of lines of its
k-gram (an inlined helper's lines are in the helper's file).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from autograder.outputs.similarity.tokens import Token, Unit

K = 12          # tokens per k-gram (a token: one node of the normalised tree, e.g. "BinOp", "Mult", "V")
W = 8           # window: a match of K + W - 1 = 19 tokens (about one line of NumPy) is always found


@dataclass(frozen=True)
class Fingerprint:
    hash: int
    unit: str
    spans: tuple[tuple[int, int, int], ...]     # (file index, first line, last line)


def _hash(texts: list[str]) -> int:
    return int.from_bytes(hashlib.blake2b("\x1f".join(texts).encode(), digest_size=8).digest(), "big")


def _spans(tokens: list[Token]) -> tuple[tuple[int, int, int], ...]:
    """The lines of TOKENS as runs of consecutive lines per file: a k-gram that runs from a call
    into the inlined helper's body covers two short runs, not every line between them."""
    runs: list[tuple[int, int, int]] = []
    for f, line in sorted({(t.file, t.line) for t in tokens}):
        if runs and runs[-1][0] == f and runs[-1][2] + 1 == line:
            runs[-1] = (f, runs[-1][1], line)
        else:
            runs.append((f, line, line))
    return tuple(runs)


def winnow(unit: Unit, k: int = K, w: int = W) -> list[Fingerprint]:
    """UNIT's fingerprints, in order (a k-gram chosen by two windows is listed once)."""
    tokens = unit.tokens
    texts = [t.text for t in tokens]
    if len(tokens) < k:
        return []
    hashes = [_hash(texts[i:i + k]) for i in range(len(tokens) - k + 1)]
    chosen: list[int] = []
    for start in range(max(1, len(hashes) - w + 1)):
        window = hashes[start:start + w]
        low = min(window)
        pos = start + max(i for i, h in enumerate(window) if h == low)     # the rightmost minimum
        if not chosen or chosen[-1] != pos:
            chosen.append(pos)
    return [Fingerprint(hashes[p], unit.name, _spans(tokens[p:p + k])) for p in chosen]


def fingerprints(units: list[Unit], k: int = K, w: int = W) -> list[Fingerprint]:
    return [fp for u in units for fp in winnow(u, k, w)]
