"""The gated_rnn bug bank: every bug is real (differs from the reference where it says, and only
there), is reproduced by the misconception model its header names, and the catalogue is covered;
the correct variants (CS231n step functions...) equal the reference.

Bugs and variants are our own files, so they are imported here directly (no sandbox).
"""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gated_bug_bank import FUNCTIONS, correct_variants, load_bug_module, load_bugs  # noqa: E402
from gated_helpers import call, gru_case, load_module_from_path, lstm_case, reference, rnn_case, same  # noqa: E402

from autograder.assignments.gated_rnn import diagnosis as M  # noqa: E402

BUGS = load_bugs(M.codes())
MODULE_OF = {fn: mod for mod, fns in FUNCTIONS.items() for fn in fns}


def cases(module):
    """(case, k): generic sizes and the edge sizes T = 1, H = 1; k dividing T, not, 1 and >= T."""
    if module == "lstm":
        return [(lstm_case(s, **size), None) for s, size in
                enumerate([dict(N=2, T=4, D=3, H=3), dict(N=3, T=1, D=2, H=2), dict(N=1, T=3, D=1, H=1)])]
    if module == "gru":
        return [(gru_case(s, **size), None) for s, size in
                enumerate([dict(N=2, T=4, D=3, H=3), dict(N=3, T=1, D=2, H=2), dict(N=1, T=3, D=1, H=1)])]
    return [(rnn_case(s, T=T), k) for s, (T, k) in
            enumerate([(7, 3), (6, 2), (6, 3), (5, 1), (4, 4), (3, 9), (1, 2)])]


class Shim:
    def __init__(self, function, model):
        setattr(self, function, model)


def test_the_bank_is_large_and_covers_every_function_and_every_code():
    assert len(BUGS) >= 25
    broken = {fn for b in BUGS for fn in b.breaks}
    assert broken == set(MODULE_OF), f"functions without a bug: {set(MODULE_OF) - broken}"
    for fn in MODULE_OF:
        assert sum(fn in b.breaks for b in BUGS) >= 3, f"{fn}: at least three bugs"
    assert {c for b in BUGS for c in b.codes} == M.codes(), "every misconception should have a bug in the bank"
    assert all(b.summary.startswith("Bug") for b in BUGS)


@pytest.mark.parametrize("bug", BUGS, ids=lambda b: b.name)
def test_bug_breaks_exactly_its_functions(bug):
    student, ref = load_bug_module(bug), reference(bug.module)
    for fn in FUNCTIONS[bug.module]:
        agree = [same(call(student, fn, case, k), call(ref, fn, case, k)) for case, k in cases(bug.module)]
        if fn in bug.breaks:
            assert not all(agree), f"{bug.name}: {fn} should differ from the reference on generic inputs"
            assert not agree[0], f"{bug.name}: {fn} should differ on the first (generic) case"
        else:
            assert all(agree), f"{bug.name}: {fn} is not in BUG_BREAKS but differs from the reference"


@pytest.mark.parametrize("bug", [b for b in BUGS if b.codes], ids=lambda b: b.name)
def test_bug_is_reproduced_by_its_misconception_model(bug):
    """... and by no model of another code: the diagnosis would be unambiguous."""
    student = load_bug_module(bug)
    for fn in bug.breaks:
        entries = [m for m in M.for_function(fn) if m.code in bug.codes]
        assert entries, f"{bug.name}: no entry of {bug.codes} for {fn}"
        matching = [m for m in M.for_function(fn)
                    if all(same(call(student, fn, case, k), call(Shim(fn, m.model), fn, case, k))
                           for case, k in cases(bug.module))]
        assert any(m.code in bug.codes for m in matching), (
            f"{bug.name}: {fn} is not reproduced by any of {[m.name for m in entries]}")
        assert all(m.code in bug.codes for m in matching), f"{bug.name}: also matched by {[m.name for m in matching]}"


@pytest.mark.parametrize("bug", [b for b in BUGS if not b.codes], ids=lambda b: b.name)
def test_bug_beyond_the_catalogue_matches_no_model(bug):
    student = load_bug_module(bug)
    for fn in bug.breaks:
        for m in M.for_function(fn):
            case, k = cases(bug.module)[0]
            assert not same(call(student, fn, case, k), call(Shim(fn, m.model), fn, case, k)), (
                f"{bug.name} is reproduced by {m.name}: name that code in BUG_CODES")


VARIANTS = correct_variants()


def test_there_is_a_cs231n_step_function_variant():
    assert "cs231n_steps" in {p.name for p in VARIANTS}


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda p: p.name)
def test_correct_variant_equals_the_reference(variant):
    for module, fns in FUNCTIONS.items():
        student = load_module_from_path(variant / f"{module}.py", f"gated_variant_{variant.name}_{module}")
        for fn in fns:
            for case, k in cases(module):
                assert same(call(student, fn, case, k), call(reference(module), fn, case, k), rtol=1e-8), (
                    f"{variant.name}/{module}.py: {fn} differs from the reference")
