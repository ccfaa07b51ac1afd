"""autograder/assignments/gated_rnn/derived.py: fresh (regenerated text equal to the committed one) and
equal to the derivations.

The module is printed by reference/gated_rnn/generate_derived.py from reference/gated_rnn/derivations.py;
the grader uses it at grade time without sympy (autograder/assignments/gated_rnn/checks/symbolic.py).
"""
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gated_helpers import REPO_ROOT, derivations, gru_params, load_module_from_path, lstm_params  # noqa: E402

from autograder.assignments.gated_rnn import derived  # noqa: E402
from autograder.assignments.gated_rnn.checks import symbolic as S  # noqa: E402
from autograder.engine.cases import Draw  # noqa: E402

DV = derivations()
DERIVED = REPO_ROOT / "autograder" / "assignments" / "gated_rnn" / "derived.py"
GENERATOR = REPO_ROOT / "reference" / "gated_rnn" / "generate_derived.py"


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("derived") / "derived.py"
    subprocess.run([sys.executable, str(GENERATOR), "--output", str(out)], check=True, cwd=REPO_ROOT,
                   capture_output=True)
    return out.read_text(encoding="utf-8")


def test_committed_module_is_fresh(regenerated):
    committed = DERIVED.read_text(encoding="utf-8")
    made_with = re.search(r"\(sympy ([^)]+)\)", committed).group(1)
    if made_with != sp.__version__:
        pytest.skip(f"derived.py was printed with sympy {made_with}, this is {sp.__version__}: the text comparison "
                    "needs the same version (test_regenerated_module_computes_the_same checks the numbers)")
    assert regenerated == committed, ("derived.py is stale: run `python reference/gated_rnn/generate_derived.py` "
                                      "and commit the result")


def lstm_case(rng, T, D, H, N=2):
    return (rng.normal(size=(N, T, H)), rng.normal(size=(N, T, H)), rng.normal(size=(N, T, D)),
            rng.uniform(-1, 1, (N, H)), rng.uniform(-3, 3, (N, H)), lstm_params(rng, D, H))


def gru_case(rng, T, D, H, N=2):
    return rng.normal(size=(N, T, H)), rng.normal(size=(N, T, D)), rng.uniform(-1, 1, (N, H)), gru_params(rng, D, H)


def jacobian_case(rng, D, H):
    return rng.normal(size=D), rng.uniform(-1, 1, H), rng.uniform(-3, 3, H), lstm_params(rng, D, H)


def test_regenerated_module_computes_the_same(regenerated, tmp_path):
    path = tmp_path / "derived_regenerated.py"
    path.write_text(regenerated, encoding="utf-8")
    fresh = load_module_from_path(path, "gated_derived_regenerated")
    rng = np.random.default_rng(7)
    for table, make in (("LSTM_STATE_JACOBIAN", jacobian_case), ("LSTM_BACKWARD", lstm_case),
                        ("GRU_BACKWARD", gru_case)):
        assert getattr(fresh, table).keys() == getattr(derived, table).keys()
        for sizes in getattr(derived, table):
            args = make(rng, *sizes)
            a, b = getattr(fresh, table)[sizes](*args), getattr(derived, table)[sizes](*args)
            for k in (a if isinstance(a, dict) else {"J": a}):
                np.testing.assert_allclose((a if isinstance(a, dict) else {"J": a})[k],
                                           (b if isinstance(b, dict) else {"J": b})[k], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("sizes", list(derived.LSTM_STATE_JACOBIAN))
def test_the_jacobian_is_sympys_lambdified_jacobian(sizes):
    args = jacobian_case(np.random.default_rng(sum(sizes)), *sizes)
    np.testing.assert_allclose(derived.LSTM_STATE_JACOBIAN[sizes](*args), DV.lstm_state_jacobian_sympy(*args),
                               rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("N", [2])
@pytest.mark.parametrize("sizes", list(derived.LSTM_BACKWARD))
def test_the_lstm_gradients_are_sympys_over_the_whole_batch(sizes, N):
    dh, dc, x, h0, c0, params = lstm_case(np.random.default_rng(sum(sizes) + N), *sizes, N=N)
    got = derived.LSTM_BACKWARD[sizes](dh, dc, x, h0, c0, params)
    dx, dh0, dc0, grads = DV.lstm_backward_sympy(dh, dc, x, h0, c0, params)
    for k, v in {"dx": dx, "dh0": dh0, "dc0": dc0, **grads}.items():
        assert got[k].shape == v.shape, k
        np.testing.assert_allclose(got[k], v, rtol=1e-12, atol=1e-14, err_msg=k)


@pytest.mark.parametrize("N", [2])
@pytest.mark.parametrize("sizes", list(derived.GRU_BACKWARD))
def test_the_gru_gradients_are_sympys_over_the_whole_batch(sizes, N):
    dh, x, h0, params = gru_case(np.random.default_rng(sum(sizes) + N), *sizes, N=N)
    got = derived.GRU_BACKWARD[sizes](dh, x, h0, params)
    dx, dh0, grads = DV.gru_backward_sympy(dh, x, h0, params)
    for k, v in {"dx": dx, "dh0": dh0, **grads}.items():
        assert got[k].shape == v.shape, k
        np.testing.assert_allclose(got[k], v, rtol=1e-12, atol=1e-14, err_msg=k)


def test_every_sympy_probe_case_has_a_derivation_with_h_at_least_2_and_d_not_h():
    draw = Draw(b"derivations")
    jac = S.jacobian_cases(draw)
    assert {(c.args[0].shape[0], c.args[1].shape[0]) for c in jac} == set(derived.LSTM_STATE_JACOBIAN)
    for table, cases, split in ((derived.LSTM_BACKWARD, S.lstm_cases(draw), S.lstm_inputs),
                                (derived.GRU_BACKWARD, S.gru_cases(draw), S.gru_inputs)):
        assert {split(c.args)[0] for c in cases} == set(table)
    for D, H in derived.LSTM_STATE_JACOBIAN:
        assert H >= 2 and D != H
    for _, D, H in (*derived.LSTM_BACKWARD, *derived.GRU_BACKWARD):
        assert H >= 2 and D != H


def test_grade_time_import_needs_no_sympy():
    code = ("import sys, autograder.assignment; autograder.assignment.load('gated_rnn'); "
            "print('sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO_ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "False"


def test_module_is_small():
    assert DERIVED.stat().st_size < 300_000
