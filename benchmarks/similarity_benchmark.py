"""The similarity check on a generated class: how long fingerprinting and comparing take.

    nice python benchmarks/similarity_benchmark.py [--size 500] [--jobs 2]

The class: SIZE submissions, each made of the files of the bank's independent solutions
(tests/similarity_bank.py), every file taken from a random one of them with a random disguise
and a line of its own, so that the index has realistic work (many shared passages, most of them
common). Prints the time of a cold run (every submission staged and fingerprinted) and of a warm
run (fingerprints reused from OUT/<id>/similarity.json), and the pairs found. The target: a
class of 500 in under 30 s on a 2-core machine.
"""
from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import similarity_bank as bank  # noqa: E402

from autograder.batch_inputs import collect  # noqa: E402
from autograder.similarity.run import Options, run_similarity  # noqa: E402

LIGHT = ["rename", "reorder", "recomment", "respace", "dead_code"]


def make_class(folder: Path, size: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    sources = [bank.read(f) for f in bank.SOURCES["rnn_bptt"].values()]
    for n in range(size):
        files = {}
        for name in sources[0]:
            source = rng.choice(sources)
            one = {name: source[name] + f"\n\ndef student_{n}_{name[:-3]}(v):\n    return v * {n} + {len(name)}\n"}
            files.update(bank.DISGUISES[rng.choice(LIGHT)](one, "rnn_bptt"))
        bank.write(files, folder / f"s{n:04d}")


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
        make_class(tmp / "class", args.size)
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
