"""The similarity check of a class: fingerprint each submission once, compare through the index,
write similarity.csv, the pair pages and the summary the class report shows.

    submissions (+ archives, + the reference solution) -> fingerprints (stored, reused)
      -> index.compare (starter code and common passages discounted) -> report.write_outputs

Nothing here runs student code: the code is staged as grading stages it and parsed.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder.assignment import BUILTIN_DIR, Assignment, load
from autograder.engine.fingerprint import submission_hash
from autograder.i18n import _
from autograder.intake.batch_inputs import Submission, collect, safe_id
from autograder.outputs.similarity import store, text
from autograder.outputs.similarity.index import COMMON, THRESHOLD, Comparison, Entry, compare
from autograder.outputs.similarity.intake import read_code, read_folder
from autograder.outputs.similarity.starter import starter_hashes
from autograder.outputs.similarity.tokens import units
from autograder.outputs.similarity.winnow import fingerprints

ARCHIVE_CACHE = "similarity/archive"
POOL_FROM = 40                        # submissions to fingerprint before a pool of processes pays


@dataclass
class Options:
    threshold: float = THRESHOLD
    common: int = COMMON
    archives: list[Path] = field(default_factory=list)
    reference: bool = True            # compare with the assignment's reference solution
    jobs: int | None = None           # processes that fingerprint (default: the number of cores)


@dataclass
class Outcome:
    comparison: Comparison
    entries: list[Entry]
    files: dict[str, dict[str, str]]          # id -> its staged code (relative path -> text)
    options: Options
    archived: int = 0
    reused: int = 0
    problems: list[str] = field(default_factory=list)


def fingerprint_code(files: dict[str, str], assignment: Assignment) -> list:
    graded = frozenset(f.name for f in assignment.functions)
    return fingerprints(units(files, graded))


def fingerprint_upload(upload: str, assignment: str) -> tuple[dict[str, str], list]:
    """(staged code, fingerprints) of one upload (run in a pool process, or here)."""
    a = load(assignment)
    files = read_code(Path(upload), a)
    return files, fingerprint_code(files, a)


@dataclass
class _Todo:
    id: str
    upload: Path
    cache: Path
    archive: bool
    key: dict = field(default_factory=dict)


def _pooled(missing: list[_Todo], spec: str, jobs: int) -> list | None:
    """fingerprint_upload of each of MISSING in JOBS spawned processes; None when the pool cannot
    be used (the caller then does it in this process)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            return list(pool.map(fingerprint_upload, [str(t.upload) for t in missing], [spec] * len(missing),
                                 chunksize=8))
    except (BrokenProcessPool, OSError, RuntimeError):
        return None


def _entries(todo: list[_Todo], assignment: Assignment, outcome: Outcome, jobs: int) -> list[Entry]:
    """Every TODO's fingerprints: reused from its cache file when its key matches, else computed
    (by JOBS processes when there are many) and stored."""
    results: dict[str, tuple[dict[str, str], list]] = {}
    missing = []
    for t in todo:
        t.key = store.key_for(submission_hash(t.upload), assignment.name)
        stored = store.load(t.cache, t.key)
        if stored is not None:
            results[t.id] = stored
            outcome.reused += 1
        else:
            missing.append(t)
    spec = assignment.name if assignment.folder is None or assignment.folder.parent == BUILTIN_DIR \
        else str(assignment.folder)
    computed = _pooled(missing, spec, jobs) if jobs > 1 and len(missing) >= POOL_FROM else None
    if computed is None:
        computed = [fingerprint_upload(str(t.upload), spec) for t in missing]
    for t, (files, fps) in zip(missing, computed):
        results[t.id] = (files, fps)
        problem = store.dump(t.cache, t.key, files, fps)
        if problem:
            outcome.problems.append(problem)
    entries = []
    for t in todo:
        files, fps = results[t.id]
        if not files:
            outcome.problems.append(_(text.PROBLEM_NO_CODE).format(id=t.id))
        outcome.files[t.id] = files
        entries.append(Entry(t.id, sorted(files), fps, t.archive))
    return entries


def run_similarity(submissions: list[Submission], out: Path, assignment: Assignment | str | None = None,
                   options: Options | None = None) -> Outcome:
    """Compare SUBMISSIONS (and the archives, and the reference) and write the outputs under OUT."""
    from autograder.outputs.similarity.report import write_outputs

    a = load(assignment)
    options = options or Options()
    out = Path(out)
    outcome = Outcome(Comparison([], set()), [], {}, options)
    todo = [_Todo(s.id, s.path, out / s.id / store.FILE, False) for s in submissions]
    taken = {t.id for t in todo}
    with tempfile.TemporaryDirectory(prefix="rnn-similarity-archive-") as scratch:
        for n, folder in enumerate(options.archives):
            found = collect([Path(folder)], Path(scratch) / str(n), a.name)
            outcome.problems += [_(text.PROBLEM_ARCHIVE).format(path=folder, problem=p) for p in found.problems]
            label = safe_id(Path(folder).resolve().name)
            for s in found.submissions:
                sub_id = f"{text.ARCHIVE_PREFIX}/{label}/{s.id}"
                while sub_id in taken:
                    sub_id += "-2"
                taken.add(sub_id)
                cache = out / ARCHIVE_CACHE / f"{submission_hash(s.path)[:32]}.json"
                todo.append(_Todo(sub_id, s.path, cache, True))
                outcome.archived += 1
        entries = _entries(todo, a, outcome, options.jobs or os.cpu_count() or 1)
    if options.reference and a.reference is not None:
        files = read_folder(a.reference.dir)
        outcome.files[text.REFERENCE] = files
        entries.append(Entry(text.REFERENCE, sorted(files), fingerprint_code(files, a), archive=True))
    outcome.entries = entries
    outcome.comparison = compare(entries, starter_hashes(a), options.common)
    write_outputs(out, outcome, a)
    return outcome


def summary_line(outcome: Outcome, out: Path) -> str:
    above = sum(p.above(outcome.options.threshold) for p in outcome.comparison.pairs)
    n = sum(not e.archive for e in outcome.entries)
    return _(text.SUMMARY).format(n=n, archived=outcome.archived, pairs=above,
                               threshold=outcome.options.threshold,
                               csv=f"{out / 'similarity.csv'}, {out / 'similarity.html'}")
