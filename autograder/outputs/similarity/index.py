"""Compare a class through an inverted index of fingerprints: pairs, scores, groups.

    entries (fingerprints per submission) -> index: hash -> submissions holding it
      -> drop starter hashes and common ones (held by more than COMMON submissions)
      -> count, per pair, the hashes both hold -> score -> pairs ranked; groups of 3+

Only pairs that share a hash are ever looked at, and a common hash (the ones every solution
has) is skipped before any pair is formed: a class of n costs about n x (fingerprints per
submission) x (holders per kept hash), never n^2 comparisons of code.

score(A, B) = |shared| / max(FLOOR, min(|distinctive(A)|, |distinctive(B)|)): the share of the
smaller submission's own code (what is neither starter code nor common) that the other also
has. Taking the smaller side means code added to a copy (dead code, extra helpers) does not
hide it; FLOOR keeps a submission with almost no code of its own from scoring high on a line or
two. Archive entries (earlier terms, the reference solution) are compared with the class,
never with each other.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from autograder.outputs.similarity import COMMON, THRESHOLD  # noqa: F401 - the defaults, used here and re-exported
from autograder.outputs.similarity.winnow import Fingerprint

FLOOR = 20             # the least denominator of a score (fingerprints)


@dataclass
class Entry:
    id: str
    files: list[str]                          # relative paths, sorted: Fingerprint spans index them
    fingerprints: list[Fingerprint]
    archive: bool = False                     # an earlier term's submission or the reference solution


@dataclass
class Pair:
    a: str
    b: str
    score: float                              # in [0, 1]
    shared: int                               # distinctive fingerprints both hold
    units_a: list[str] = field(default_factory=list)      # functions the shared code is in
    units_b: list[str] = field(default_factory=list)
    lines_a: dict[int, set[int]] = field(default_factory=dict)    # file index -> matched lines
    lines_b: dict[int, set[int]] = field(default_factory=dict)
    share_a: float = 0.0                      # share of A's own lines (not starter, not common) matched
    share_b: float = 0.0
    regions: list[tuple[int, tuple, tuple]] = field(default_factory=list)   # (hash, spans in A, spans in B)

    def above(self, threshold: float) -> bool:
        return self.score >= threshold


@dataclass
class Comparison:
    pairs: list[Pair]                         # every pair sharing a distinctive fingerprint, best first
    common: set[int]                          # hashes treated as common code
    entries: dict[str, Entry] = field(default_factory=dict)
    own: dict[str, set[int]] = field(default_factory=dict)     # id -> its distinctive hashes

    def detailed(self, pair: Pair) -> Pair:
        """PAIR with its functions, matched lines, shares and regions filled in (for the report)."""
        a, b = self.entries[pair.a], self.entries[pair.b]
        return _detail(a, b, self.own[a.id] & self.own[b.id], self.own[a.id], self.own[b.id], pair.score)

    def groups(self, threshold: float) -> list[list[str]]:
        """Sets of 3 or more submissions linked by pairs at or above THRESHOLD (connected components)."""
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for p in self.pairs:
            if p.above(threshold):
                parent[find(p.a)] = find(p.b)
        members: dict[str, list[str]] = defaultdict(list)
        for x in list(parent):
            members[find(x)].append(x)
        return sorted((sorted(m) for m in members.values() if len(m) >= 3), key=lambda g: (-len(g), g))


def compare(entries: list[Entry], starter: set[int], common: int = COMMON, floor: int = FLOOR) -> Comparison:
    """Every pair of ENTRIES sharing distinctive code, ranked by score (ties by ids)."""
    holders: dict[int, list[int]] = defaultdict(list)
    for i, e in enumerate(entries):
        for h in {fp.hash for fp in e.fingerprints} - starter:
            holders[h].append(i)
    common_hashes = {h for h, who in holders.items() if len(who) > common}
    own = [{fp.hash for fp in e.fingerprints} - starter - common_hashes for e in entries]
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for h, who in holders.items():
        if h in common_hashes or len(who) < 2:
            continue
        for i, j in combinations(who, 2):
            if not (entries[i].archive and entries[j].archive):
                counts[(i, j)] += 1
    pairs = [Pair(entries[i].id, entries[j].id,
                  round(min(1.0, shared / max(floor, min(len(own[i]), len(own[j])))), 4), shared)
             for (i, j), shared in counts.items()]
    pairs.sort(key=lambda p: (-p.score, -p.shared, p.a, p.b))
    return Comparison(pairs, common_hashes, {e.id: e for e in entries}, {e.id: o for e, o in zip(entries, own)})


def _lines(fps: list[Fingerprint], keep: set[int]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    for fp in fps:
        if fp.hash in keep:
            for f, first, last in fp.spans:
                out[f].update(range(first, last + 1))
    return dict(out)


def _count(lines: dict[int, set[int]]) -> int:
    return sum(len(v) for v in lines.values())


def _detail(a: Entry, b: Entry, shared: set[int], own_a: set[int], own_b: set[int], score: float) -> Pair:
    lines_a, lines_b = _lines(a.fingerprints, shared), _lines(b.fingerprints, shared)
    first_a: dict[int, Fingerprint] = {}
    first_b: dict[int, Fingerprint] = {}
    for fp in a.fingerprints:
        if fp.hash in shared:
            first_a.setdefault(fp.hash, fp)
    for fp in b.fingerprints:
        if fp.hash in shared:
            first_b.setdefault(fp.hash, fp)
    regions = [(h, first_a[h].spans, first_b[h].spans) for h in first_a if h in first_b]
    return Pair(a.id, b.id, round(score, 4), len(shared),
                sorted({first_a[h].unit for h in first_a}), sorted({first_b[h].unit for h in first_b}),
                lines_a, lines_b,
                round(_count(lines_a) / max(1, _count(_lines(a.fingerprints, own_a))), 4),
                round(_count(lines_b) / max(1, _count(_lines(b.fingerprints, own_b))), 4),
                regions)
