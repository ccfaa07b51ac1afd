"""Checks of activations.py: sigmoid, sigmoid_derivative, tanh_derivative."""
from __future__ import annotations

import numpy as np

from autograder import i18n
from autograder.engine import cases as C
from autograder.engine.checks import (
    PASS,
    CallResult,
    Case,
    Check,
    Probe,
    Verdict,
    all_of,
    example_check,
    inputs_check,
    matches,
    warning_free,
)
from autograder.engine.judge import compare

from ..reference import ref

EXTREME_MAGNITUDES = (1000.0, 800.0, 710.0, 100.0, 40.0)   # past exp's overflow (709.8) and where sigma rounds to 1


def moderate_inputs(draw: C.Draw, name: str) -> list[Case]:
    """Elementwise inputs of several shapes, |x| <= 30: a few fixed shapes, then Hypothesis's."""
    g = draw.rng(name + "/fixed")
    out = [Case((np.sort(g.uniform(-8.0, 8.0, 17)),), label=i18n._("x = 17 points in [-8, 8]")),
           Case((g.normal(0.0, 3.0, size=(3, 4)),), label=i18n._("x of shape {shape}").format(shape=(3, 4))),
           Case((np.array(g.uniform(-3.0, 3.0)),), label=i18n._("a 0-d array x"))]
    shapes = C.generated_sizes(9, ndim=(1, 3), a=(1, 4), b=(1, 4), c=(1, 3))
    for i, s in enumerate(shapes):
        shape = (s["a"], s["b"], s["c"])[: s["ndim"]]
        x = np.clip(draw.rng(f"{name}/generated/{i}").normal(0.0, 4.0 * s["scale"], size=shape), -30, 30)
        out.append(Case((x,), label=i18n._("x of shape {shape}").format(shape=shape)))
    return out


def symmetric_inputs(draw: C.Draw, name: str) -> list[Case]:
    """x followed by -x, so the answer's two halves must agree (sigma' is even)."""
    g = draw.rng(name)
    out = []
    for n in (5, 8):
        v = g.normal(0.0, 3.0, size=n)
        out.append(Case((np.concatenate([v, -v]),), label=i18n._("{n} values followed by their negatives").format(n=n)))
    return out


def extreme_inputs(draw: C.Draw, name: str) -> list[Case]:
    """Far-out values (where naive formulas overflow or clamp) next to moderate ones, both signs."""
    g = draw.rng(name)
    far = np.array([m * g.uniform(1.0, 1.05) for m in EXTREME_MAGNITUDES])
    values = np.concatenate([far, -far, g.normal(0.0, 2.0, size=3)])
    mixed = np.concatenate([g.uniform(710.0, 1000.0, size=2) * np.array([-1.0, 1.0]), g.normal(0.0, 3.0, size=4)])
    return [Case((g.permutation(values),), label=i18n._("x with |x| up to 1000")),
            Case((g.permutation(mixed).reshape(2, 3),), label=i18n._("x of shape (2, 3) with |x| up to 1000"))]


def example_inputs(draw: C.Draw, name: str) -> list[Case]:
    """The worked example: small, fixed and public (built from the VISIBLE draw)."""
    return [Case((np.array([-2.0, -0.5, 0.0, 0.5, 2.0]),), label="x = [-2, -0.5, 0, 0.5, 2]"),
            Case((np.array([-800.0, 800.0]),), label="x = [-800, 800]")]


def in_unit_interval(case: Case, result: CallResult) -> Verdict:
    leaf = result.leaf("output")
    got = leaf.get("array") if leaf else None
    if not isinstance(got, np.ndarray) or got.shape != np.shape(case.args[0]):
        return compare(leaf, np.zeros(np.shape(case.args[0])), "sigmoid(x)")
    x = case.args[0]
    if np.any(got < 0) or np.any(got > 1) or not np.all(np.isfinite(got)):
        return Verdict(False, i18n._("sigmoid(x) must lie in [0, 1], but some values are outside"))
    inner = np.abs(x) <= 30
    if np.any((got[inner] <= 0) | (got[inner] >= 1)):
        return Verdict(False, i18n._("for |x| <= 30, sigmoid(x) is strictly between 0 and 1, but some values equal 0 "
                                     "or 1"))
    return PASS


def even_and_at_most_quarter(case: Case, result: CallResult) -> Verdict:
    leaf = result.leaf("output")
    got = leaf.get("array") if leaf else None
    n = np.shape(case.args[0])[0] // 2
    if not isinstance(got, np.ndarray) or got.shape != (2 * n,) or not np.all(np.isfinite(got)):
        return compare(leaf, np.zeros(2 * n), "sigmoid_derivative(x)")
    if np.any(got > 0.25 + 1e-12) or np.any(got < 0):
        return Verdict(False, i18n._("sigma'(x) lies in [0, 1/4], but some values returned are outside it"))
    if not np.allclose(got[:n], got[n:], rtol=1e-7, atol=1e-12):
        return Verdict(False, i18n._("sigma'(x) should equal sigma'(-x) (the derivative is an even function), "
                                     "but the values for x and -x differ"))
    return PASS


def _expected(fn_name: str):
    return lambda case: getattr(ref(), fn_name)(case.args[0])


PROBES = [
    Probe("sigmoid.moderate", "sigmoid", lambda d: moderate_inputs(d, "sigmoid")),
    Probe("sigmoid.extreme", "sigmoid", lambda d: extreme_inputs(d, "sigmoid.extreme")),
    Probe("sigmoid_derivative.moderate", "sigmoid_derivative", lambda d: moderate_inputs(d, "sigmoid_derivative")),
    Probe("sigmoid_derivative.symmetric", "sigmoid_derivative",
          lambda d: symmetric_inputs(d, "sigmoid_derivative.symmetric")),
    Probe("sigmoid_derivative.extreme", "sigmoid_derivative",
          lambda d: extreme_inputs(d, "sigmoid_derivative.extreme")),
    Probe("tanh_derivative.moderate", "tanh_derivative", lambda d: moderate_inputs(d, "tanh_derivative")),
    Probe("tanh_derivative.extreme", "tanh_derivative", lambda d: extreme_inputs(d, "tanh_derivative.extreme")),
    *[Probe(f"{f}.example", f, lambda d, f=f: example_inputs(d, f), visible=True)
      for f in ("sigmoid", "sigmoid_derivative", "tanh_derivative")],
]

CHECKS = [
    Check("sigmoid.values", "sigmoid", "values match the reference", "sigmoid.moderate",
          matches("output", _expected("sigmoid"), "sigmoid(x)")),
    Check("sigmoid.range", "sigmoid", "values lie in [0, 1], strictly inside for |x| <= 30",
          "sigmoid.moderate", in_unit_interval,
          gated_by="sigmoid.values"),
    Check("sigmoid.extreme", "sigmoid", "finite, warning-free and right at |x| up to 1000", "sigmoid.extreme",
          all_of(warning_free, matches("output", _expected("sigmoid"), "sigmoid(x)"))),
    inputs_check(PROBES, "sigmoid", "sigmoid.extreme", ("x",), gate="sigmoid.values"),
    Check("sigmoid_derivative.values", "sigmoid_derivative", "values match sigma(x)(1 - sigma(x))",
          "sigmoid_derivative.moderate", matches("output", _expected("sigmoid_derivative"), "sigmoid_derivative(x)")),
    Check("sigmoid_derivative.shape_of_curve", "sigmoid_derivative", "even in x and never above 1/4",
          "sigmoid_derivative.symmetric", even_and_at_most_quarter,
          gated_by="sigmoid_derivative.values"),
    Check("sigmoid_derivative.extreme", "sigmoid_derivative", "finite, warning-free and right at |x| up to 1000",
          "sigmoid_derivative.extreme",
          all_of(warning_free, matches("output", _expected("sigmoid_derivative"), "sigmoid_derivative(x)"))),
    inputs_check(PROBES, "sigmoid_derivative", "sigmoid_derivative.extreme", ("x",), gate="sigmoid_derivative.values"),
    Check("tanh_derivative.values", "tanh_derivative", "values match 1 - tanh(x)**2", "tanh_derivative.moderate",
          matches("output", _expected("tanh_derivative"), "tanh_derivative(x)")),
    Check("tanh_derivative.extreme", "tanh_derivative", "finite, warning-free and right at |x| up to 1000",
          "tanh_derivative.extreme",
          all_of(warning_free, matches("output", _expected("tanh_derivative"), "tanh_derivative(x)"))),
    inputs_check(PROBES, "tanh_derivative", "tanh_derivative.extreme", ("x",), gate="tanh_derivative.values"),
    *[example_check(f, f"{f}.example", all_of(warning_free, matches("output", _expected(f), f"{f}(x)")))
      for f in ("sigmoid", "sigmoid_derivative", "tanh_derivative")],
]
