"""Benchmark: where a warm grader process spends CPU per submission, by kind. Prints figures; asserts nothing.

Usage: nice python benchmarks/grade_profile.py [--n 100] [--assignment rnn_bptt] [--top 25] [--similarity]
Builds the class of batch_benchmark.py (correct / buggy / broken / stubs; for gated_rnn: its
reference, correct variants, sample and stubs), warms this process up as a batch's pool process
does (batch.warm_up), then grades each submission here, one at a time, as batch.grade_job does,
and prints per kind the mean CPU per submission: the grader's own (time.process_time) by stage,
and the sandbox workers' (the cgroup clock of measure.py minus the grader's), with how many worker
runs a submission started. --top prints the grader-side cProfile (CPU time) of the whole class, in --sort order.
--similarity also times the batch's similarity check over the class.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from batch_benchmark import copy_py, make_class  # noqa: E402
from measure import CpuClock, load  # noqa: E402

from autograder.pipeline import grade  # noqa: E402
from autograder.platforms import safe_grade  # noqa: E402
from autograder.platforms.batch_jobs import warm_up  # noqa: E402


def gated_class(base: Path, n: int) -> dict[str, int]:
    """N submissions of gated_rnn: correct (reference and variants), the buggy sample, stubs."""
    correct = [ROOT / "reference" / "gated_rnn" / "solution",
               *sorted(p for p in (ROOT / "tests" / "gated_rnn" / "correct_variants").iterdir() if p.is_dir())]
    kinds = {"correct": round(0.5 * n), "buggy": round(0.4 * n)}
    kinds["stubs"] = n - sum(kinds.values())
    i = 0
    for kind, count in kinds.items():
        for k in range(count):
            src = {"correct": correct[k % len(correct)], "stubs": ROOT / "assignments" / "gated_rnn",
                   "buggy": ROOT / "reference" / "gated_rnn" / "samples" / "buggy"}[kind]
            copy_py(src, base / f"s{i:03d}_{kind}")
            i += 1
    return kinds


class Stages:
    """Grader CPU and total CPU (workers included) spent inside wrapped functions, per submission."""

    def __init__(self, clock: CpuClock) -> None:
        self.clock = clock
        self.current: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
        self.depth = 0

    def wrap(self, module, name: str, label: str) -> None:
        original = getattr(module, name)

        def timed(*args, **kwargs):
            self.depth += 1
            own, total = time.process_time(), self.clock.seconds()
            try:
                return original(*args, **kwargs)
            finally:
                self.depth -= 1
                entry = self.current[label]
                entry[0] += time.process_time() - own
                entry[1] += self.clock.seconds() - total
                entry[2] += 1
        setattr(module, name, timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--assignment", default="rnn_bptt")
    parser.add_argument("--top", type=int, default=0)
    parser.add_argument("--sort", default="cumulative", help="order of the cProfile listing (pstats key)")
    parser.add_argument("--similarity", action="store_true")
    args = parser.parse_args()
    clock = CpuClock()
    print(f"CPU counted by {clock.method}; {load()}")
    from autograder.assignment import load as load_assignment
    from autograder.engine.secret import load_secret
    assignment = load_assignment(args.assignment)
    t0, c0 = time.process_time(), clock.seconds()
    warm_up()
    if args.assignment != "rnn_bptt":       # warm_up loads the default assignment; this one too
        assignment.ref()
        grade.build_cases(grade.Draw(b"warm-up"), assignment=assignment)
    print(f"warm-up: {time.process_time() - t0:.2f} s grader CPU, {clock.seconds() - c0:.2f} s in all")
    from autograder.sandbox import runner
    stages = Stages(clock)
    for module, name, label in [
        (grade, "canonicalise", "canonicalise"), (grade, "build_cases", "build_cases (hidden + examples)"),
        (grade, "build_plan", "build_plan"), (grade, "run_plan", "run_plan (all worker runs)"),
        (runner, "write_plan", "write_plan (inputs)"), (grade, "call_results", "call_results (read + redact)"),
        (grade, "score_checks", "score_checks (judge, realistic gates)"),
        (grade, "reference_leaves", "reference_leaves (realistic)"),
        (grade, "substitute_helpers", "substitute_helpers (incl. its run)"),
        (grade, "add_diagnoses", "add_diagnoses"), (grade, "add_examples", "add_examples (incl. its run)"),
        (grade, "helper_table", "helper_table"),
        (safe_grade, "results_document", "results_document"),
    ]:
        stages.wrap(module, name, label)
    # score_checks is referenced by name inside grade; run_worker calls module globals, so wrapping works
    secret = load_secret()
    with tempfile.TemporaryDirectory(prefix="rnn-profile-") as tmp:
        tmp = Path(tmp)
        kinds = (make_class if args.assignment == "rnn_bptt" else gated_class)(tmp / "class", args.n)
        print(f"class of {args.n} ({args.assignment}): " + ", ".join(f"{v} {k}" for k, v in kinds.items()))
        per_kind: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0, 0]))
        totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0, 0])
        limited: dict[str, int] = defaultdict(int)
        profile = cProfile.Profile(time.process_time)    # the grader's CPU, not its waits
        for sub in sorted((tmp / "class").iterdir()):
            kind = sub.name.split("_", 1)[1]
            stages.current.clear()
            own, total = time.process_time(), clock.seconds()
            profile.enable()
            graded = safe_grade.grade_safely(sub, secret=secret, assignment=args.assignment)
            data = safe_grade.results_document(graded.report, "profile", "x")
            profile.disable()
            own, total = time.process_time() - own, clock.seconds() - total
            limited[kind] += any("went past its time limit" in t.get("output", "") for t in data.get("tests", []))
            runs = stages.current["run_plan (all worker runs)"][2]
            t = totals[kind]
            t[0] += own
            t[1] += total
            t[2] += 1
            t[3] += runs
            for label, (g, a, c) in stages.current.items():
                e = per_kind[kind][label]
                e[0] += g
                e[1] += a
                e[2] += c
        print("mean per submission, CPU seconds: grader = this process, all = grader + workers (cgroup)")
        for kind, (own, total, count, runs) in totals.items():
            print(f"\n{kind}: {count} submissions, {limited[kind]} hit the per-call time limit; "
                  f"{runs / count:.2f} worker runs each; grader {own / count:.3f} s, workers "
                  f"{(total - own) / count:.3f} s, all {total / count:.3f} s")
            for label, (g, a, c) in sorted(per_kind[kind].items(), key=lambda kv: -kv[1][1]):
                print(f"  {label:42s} grader {g / count:.3f}  all {a / count:.3f}  ({c / count:.1f} calls)")
        own = sum(t[0] for t in totals.values())
        total = sum(t[1] for t in totals.values())
        n = sum(t[2] for t in totals.values())
        print(f"\nclass: grader {own:.1f} s, workers {total - own:.1f} s, all {total:.1f} s CPU "
              f"({total / n:.3f} s per submission); {load()}")
        if args.top:
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
            print(out.getvalue())
        if args.similarity:
            from autograder.intake.batch_inputs import collect
            from autograder.outputs.similarity.run import run_similarity
            (tmp / "scratch").mkdir()
            found = collect([tmp / "class"], tmp / "scratch", assignment.name)
            own, total, start = time.process_time(), clock.seconds(), time.perf_counter()
            run_similarity(found.submissions, tmp / "sim", args.assignment, None)
            print(f"similarity over the class: {time.process_time() - own:.2f} s grader CPU, "
                  f"{clock.seconds() - total:.2f} s in all, {time.perf_counter() - start:.2f} s wall")
        shutil.rmtree(tmp / "scratch", ignore_errors=True)
    clock.close()


if __name__ == "__main__":
    main()
