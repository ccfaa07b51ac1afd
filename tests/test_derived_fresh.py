"""autograder/assignments/rnn_bptt/derived.py: fresh (regenerated text equal to the committed one) and
equal to the derivations.

The module is printed by reference/rnn_bptt/generate_derived.py from reference/rnn_bptt/derivations.py; the grader
uses it at grade time without sympy (autograder/assignments/rnn_bptt/checks/symbolic.py).
"""
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from helpers_reference import REPO_ROOT, load_derivations, load_module_from_path, load_reference_module  # noqa: E402

from autograder.assignments.rnn_bptt import derived  # noqa: E402
from autograder.engine.cases import Draw
from autograder.engine.checks import all_probes  # noqa: E402

D = load_derivations()
RNN = load_reference_module("rnn")
DERIVED = REPO_ROOT / "autograder" / "assignments" / "rnn_bptt" / "derived.py"
GENERATOR = REPO_ROOT / "reference" / "rnn_bptt" / "generate_derived.py"


@pytest.fixture(scope="module")
def generator():
    return load_module_from_path(GENERATOR, "reference_generate_derived")


@pytest.fixture(scope="module")
def regenerated(generator, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("derived") / "derived.py"
    subprocess.run([sys.executable, str(GENERATOR), "--output", str(out)],
                   check=True, cwd=REPO_ROOT, capture_output=True)
    return out.read_text(encoding="utf-8")


def test_committed_module_is_fresh(regenerated):
    committed = DERIVED.read_text(encoding="utf-8")
    made_with = re.search(r"\(sympy ([^)]+)\)", committed).group(1)
    if made_with != sp.__version__:   # another printer may format the same formulas differently
        pytest.skip(f"derived.py was printed with sympy {made_with}, this is {sp.__version__}: the text comparison "
                    "needs the same version (test_regenerated_module_computes_the_same checks the numbers)")
    assert regenerated == committed, ("derived.py is stale: run `python reference/rnn_bptt/generate_derived.py` "
                                      "and commit the result")


def test_regenerated_module_computes_the_same(regenerated, tmp_path):
    """Whatever the sympy version: the regenerated functions give the committed ones' numbers."""
    path = tmp_path / "derived_regenerated.py"
    path.write_text(regenerated, encoding="utf-8")
    fresh = load_module_from_path(path, "derived_regenerated")
    rng = np.random.default_rng(5)
    x = rng.normal(0, 10, size=(4, 5))
    np.testing.assert_array_equal(fresh.sigmoid_derivative(x), derived.sigmoid_derivative(x))
    np.testing.assert_array_equal(fresh.tanh_derivative(x), derived.tanh_derivative(x))
    assert fresh.JACOBIAN_ENTRY == derived.JACOBIAN_ENTRY
    for activation in ("tanh", "sigmoid"):
        h, W = rng.uniform(-1, 1, 4), rng.normal(size=(4, 4))
        np.testing.assert_allclose(fresh.HIDDEN_JACOBIAN[activation](h, W), derived.HIDDEN_JACOBIAN[activation](h, W),
                                   rtol=1e-14)
    assert fresh.RNN_BACKWARD.keys() == derived.RNN_BACKWARD.keys()
    for sizes in derived.RNN_BACKWARD:
        args = bptt_case(rng, sizes)
        a, b = fresh.RNN_BACKWARD[sizes](*args), derived.RNN_BACKWARD[sizes](*args)
        for k in a:
            np.testing.assert_allclose(a[k], b[k], rtol=1e-12, atol=1e-14, err_msg=k)


def test_grade_time_import_needs_no_sympy():
    code = ("import sys, autograder.pipeline.grade, autograder.assignment, autograder.assignments.rnn_bptt.derived; "
            "autograder.assignment.load('rnn_bptt'); print('sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO_ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "False"


def test_module_is_small():
    assert DERIVED.stat().st_size < 300_000


# ---- the generic Jacobian entry is the pattern of every concrete one ----------------------------
@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("H", [1, 2, 3])
def test_generic_jacobian_entry_is_sympys_jacobian(activation, H):
    assert D.jacobian_entry_residual(H, activation) == sp.zeros(H, H)


def test_jacobian_entry_residual_sees_a_transpose():
    """The residual is no formality: the entry with W_hh[i, j] instead of W_hh[j, i] leaves a nonzero one."""
    entry, sym = D.jacobian_entry("tanh")
    i, j, W = sym["i"], sym["j"], sym["W_hh"]
    wrong = entry.xreplace({W[j, i]: W[i, j]})
    original = D.jacobian_entry
    try:
        D.jacobian_entry = lambda activation="tanh": (wrong, sym)
        assert D.jacobian_entry_residual(2, "tanh") != sp.zeros(2, 2)
    finally:
        D.jacobian_entry = original


# ---- the printed functions against sympy's own evaluation ----------------------------------------
X = np.concatenate([np.linspace(-40.0, 40.0, 161), [-1000.0, -700.0, -50.0, 0.0, 50.0, 700.0, 1000.0]])


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_activation_derivative_is_exact_relative_to_its_size(name):
    """Against sympy's 30-digit evaluation of the textbook derivative, even where it is ~1e-400."""
    x = sp.Symbol("x")
    phi = 1 / (1 + sp.exp(-x)) if name == "sigmoid" else sp.tanh(x)
    d = sp.diff(phi, x)                 # e^-x / (1 + e^-x)^2, or 1 - tanh^2 = sech^2 (free of cancellation)
    if name == "tanh":
        assert sp.simplify(d - sp.sech(x) ** 2) == 0
        d = sp.sech(x) ** 2
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        got = getattr(derived, f"{name}_derivative")(X)
    exact = np.array([float(sp.N(d.subs(x, sp.Rational(v)), 30)) for v in X])
    np.testing.assert_allclose(got, exact, rtol=1e-13, atol=0)


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_activation_derivative_keeps_the_shape(name):
    for x in (np.array(0.3), np.zeros((2, 3, 1))):
        assert getattr(derived, f"{name}_derivative")(x).shape == x.shape


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("H", [1, 2, 4])
def test_hidden_jacobian_matches_sympys_jacobian_of_one_step(activation, H):
    rng = np.random.default_rng(H)
    h_prev, W, a, b = rng.uniform(-1, 1, H), rng.normal(size=(H, H)), rng.normal(size=H), rng.normal(size=H)
    h_t, J = D.one_step_jacobian_numeric(h_prev, W, a, b, activation)
    np.testing.assert_allclose(derived.HIDDEN_JACOBIAN[activation](h_t, W), J, rtol=1e-12, atol=1e-14)


def bptt_case(rng, sizes, N=2):
    T, Dx, H, O = sizes
    params = {"W_xh": rng.normal(size=(Dx, H)), "W_hh": rng.normal(size=(H, H)), "b_h": rng.normal(size=H),
              "W_hy": rng.normal(size=(H, O)), "b_y": rng.normal(size=O)}
    return rng.normal(size=(N, T, H)), rng.normal(size=(N, T, O)), rng.normal(size=(N, T, Dx)), \
        rng.uniform(-1, 1, (N, H)), params


@pytest.mark.parametrize("N", [1, 2])
def test_bptt_matches_sympys_lambdified_gradients(N):
    """Against derivations.rnn_backward_sympy, which differentiates the whole batch (all N sequences) at once."""
    sizes = (4, 3, 2, 1)
    dh, dy, x, h0, params = bptt_case(np.random.default_rng(3), sizes, N)
    got = derived.RNN_BACKWARD[sizes](dh, dy, x, h0, params)
    dx, dh0, grads = D.rnn_backward_sympy(dh, dy, x, h0, params)
    for k, v in {"dx": dx, "dh0": dh0, **grads}.items():
        assert got[k].shape == v.shape, k
        np.testing.assert_allclose(got[k], v, rtol=1e-12, atol=1e-14, err_msg=k)


@pytest.mark.parametrize("N", [1, 2, 5])
@pytest.mark.parametrize("sizes", list(derived.RNN_BACKWARD))
def test_bptt_matches_the_reference_and_its_shapes(sizes, N):
    dh, dy, x, h0, params = bptt_case(np.random.default_rng(sum(sizes) + N), sizes, N)
    got = derived.RNN_BACKWARD[sizes](dh, dy, x, h0, params)
    h, _ = RNN.rnn_forward(x, h0, params)
    dx, dh0, grads = RNN.rnn_backward(dh, dy, x, h0, h, params)
    assert set(got) == {"dx", "dh0", *grads}
    for k, v in {"dx": dx, "dh0": dh0, **grads}.items():
        assert got[k].shape == v.shape, k
        np.testing.assert_allclose(got[k], v, rtol=1e-10, atol=1e-12, err_msg=k)


def test_every_case_of_the_bptt_probe_has_a_derivation():
    from autograder.assignments.rnn_bptt.checks.symbolic import bptt_sizes

    cases = all_probes()["rnn_backward.finite_differences"].build(Draw(b"derivations"))
    assert cases
    missing = {bptt_sizes(c)[1:] for c in cases} - set(derived.RNN_BACKWARD)
    assert not missing, f"add {missing} (T, D, H, O) to BPTT_SIZES in {GENERATOR} and regenerate"
