"""The similarity check on a generated class: how long fingerprinting and comparing take.

    nice python benchmarks/similarity_benchmark.py [--size 500] [--jobs 2]

The class: SIZE submissions, each file taken from a random one of the bank's independent
solutions (tests/similarity_bank.py) and varied the way students' code varies (operands of + and
* swapped, numbers changed), so that passages are shared by a few submissions or many; 5% of
the class hand in a disguised copy of a classmate's submission (any disguise of the bank).
Prints the time of a cold run (every submission staged and fingerprinted) and of a warm
run (fingerprints reused from OUT/<id>/similarity.json), the pairs found and how many of the
planted copies are among them. CPU time is printed too: on a shared machine the wall time
depends on the other load. The target: a class of 500 in under 30 s on a 2-core machine.
"""
from __future__ import annotations

import argparse
import ast
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import similarity_bank as bank  # noqa: E402

from autograder.intake.batch_inputs import collect  # noqa: E402
from autograder.outputs.similarity.run import Options, run_similarity  # noqa: E402

LIGHT = ["rename", "reorder", "recomment", "respace", "dead_code"]
COPIED = 0.05          # share of the class that hands in a disguised copy of a classmate's submission


class _Vary(ast.NodeTransformer):
    """A student's own variations of a solution: operands of + and * swapped, numbers changed."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def visit_BinOp(self, node: ast.BinOp) -> ast.BinOp:
        self.generic_visit(node)
        if isinstance(node.op, (ast.Add, ast.Mult)) and self.rng.random() < 0.5:
            node.left, node.right = node.right, node.left
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.Constant:
        if type(node.value) in (int, float) and self.rng.random() < 0.3:
            return ast.Constant(node.value + self.rng.choice((1, 2, 0.5)))
        return node


def vary(source: str, rng: random.Random) -> str:
    return ast.unparse(_Vary(rng).visit(ast.parse(source))) + "\n"


def make_class(folder: Path, size: int, seed: int = 0) -> list[tuple[str, str]]:
    """SIZE submissions under FOLDER; the (original, copy) pairs planted among them."""
    rng = random.Random(seed)
    sources = [bank.read(f) for f in bank.SOURCES["rnn_bptt"].values()]
    made: dict[str, dict[str, str]] = {}
    planted = []
    for n in range(size):
        name = f"s{n:04d}"
        if made and rng.random() < COPIED:
            original = rng.choice(sorted(made))          # a student's own work (the disguises take files)
            files = bank.DISGUISES[rng.choice(list(bank.DISGUISES))](made[original], "rnn_bptt")
            planted.append((original, name))
        else:
            files = {module: vary(rng.choice(sources)[module], rng) for module in sources[0]}
            made[name] = files
        bank.write(files, folder / name)
    return planted


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the pool's)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=None, help="fingerprinting processes (default: the cores)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="similarity-bench-") as tmp:
        tmp = Path(tmp)
        start = time.monotonic()
        planted = make_class(tmp / "class", args.size)
        print(f"generated {args.size} submissions in {time.monotonic() - start:.1f} s")
        found = collect([tmp / "class"], tmp / "scratch", "rnn_bptt")
        for label in ("cold (fingerprint every submission)", "warm (fingerprints reused)"):
            start, cpu = time.monotonic(), _cpu()
            outcome = run_similarity(found.submissions, tmp / "out", "rnn_bptt", Options(jobs=args.jobs))
            seconds, cpu = time.monotonic() - start, _cpu() - cpu
            above = sum(p.above(outcome.options.threshold) for p in outcome.comparison.pairs)
            print(f"{label}: {seconds:.1f} s ({cpu:.1f} s of CPU time) for {len(found.submissions)} submissions "
                  f"({1000 * seconds / max(1, len(found.submissions)):.0f} ms each); reused {outcome.reused}; "
                  f"{len(outcome.comparison.pairs)} pairs share distinctive code, {above} at or above the "
                  f"threshold; {len(outcome.comparison.common)} passages common")
            found_pairs = {frozenset((p.a, p.b)) for p in outcome.comparison.pairs
                           if p.above(outcome.options.threshold)}
            print(f"  planted copies found above the threshold: "
                  f"{sum(frozenset(p) in found_pairs for p in planted)} of {len(planted)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
