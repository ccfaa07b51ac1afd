"""Checks of jacobian.py: hidden_jacobian, jacobian_through_time, gradient_bound,
classify_gradient_regime.

Jacobians are compared elementwise on non-symmetric W_hh (a norm cannot see a missing
transpose). The bound is checked against the reference formula, against true norms of Jacobian
products (it must hold), and on W = c Q at the derivative's peak (where it must be tight).
"""
from __future__ import annotations

import numpy as np

from autograder import i18n
from autograder.engine import cases as C
from autograder.engine import worker_text
from autograder.engine.checks import CallResult, Case, Check, Probe, Verdict, example_check, inputs_check, matches
from autograder.engine.judge import PASS, compare

from ..reference import ref

ACTIVATIONS = ("tanh", "sigmoid")
PEAK_STATE = {"tanh": 0.0, "sigmoid": 0.5}   # where phi' reaches gamma


# ---- hidden_jacobian -------------------------------------------------------------------------
def one_step_cases(draw: C.Draw, activation: str) -> list[Case]:
    out = []
    specs = [(4, 1.0), (3, 1.5), (5, 0.5), (1, 1.0)]
    specs += [(s["H"], s["scale"]) for s in C.generated_sizes(8, H=(1, 6))]
    for i, (H, scale) in enumerate(specs):
        g = draw.rng(f"hidden_jacobian/{activation}/{i}")
        h_t = C.random_states(g, (H,), activation)
        W = C.non_symmetric(g, H, 1.5 * scale)
        out.append(Case((h_t, W), {"activation": activation}, label=f"H={H}, activation={activation!r}"))
    return out


# ---- jacobian_through_time -------------------------------------------------------------------
def through_time_cases(draw: C.Draw, activation: str, identity: bool = False) -> list[Case]:
    specs = [(5, 3, 1, 4), (4, 4, 0, 4), (6, 2, 2, 5), (3, 3, 0, 2)]
    specs += [(s["T"], s["H"], None, None) for s in C.generated_sizes(6, T=(1, 6), H=(1, 4))]
    out = []
    for i, (T, H, k, t) in enumerate(specs):
        g = draw.rng(f"jacobian_through_time/{activation}/{identity}/{i}")
        shape = C.STRUCTURE.rng(f"jacobian_through_time/{activation}/{identity}/{i}")
        if identity:
            k = t = int(shape.integers(0, T + 1))
        elif k is None:
            k = int(shape.integers(0, T))
            t = int(shape.integers(k + 1, T + 1))
        hs = C.random_states(g, (T + 1, H), activation)
        W = C.non_symmetric(g, H, 1.5)
        out.append(Case((hs, W, k, t), {"activation": activation},
                        label=f"T={T}, H={H}, k={k}, t={t}, activation={activation!r}"))
    return out[:4] if identity else out


# ---- gradient_bound -------------------------------------------------------------------------
def non_normal(g: np.random.Generator, H: int) -> np.ndarray:
    """A matrix whose largest singular value far exceeds its spectral radius (H > 1)."""
    W = np.triu(g.normal(0.0, 1.0, size=(H, H)), 1) * 2.0 + np.diag(g.uniform(-0.5, 0.5, size=H))
    return W if H > 1 else np.array([[g.uniform(0.5, 1.5)]])


def with_gamma_lambda(W: np.ndarray, value: float, activation: str) -> np.ndarray:
    """W rescaled so that gamma * lambda_1(W) == value."""
    gamma = ref().GAMMA[activation]
    return W * (value / (gamma * np.linalg.norm(W, 2)))


def bound_value_cases(draw: C.Draw) -> list[Case]:
    """steps from 0 to 200 for both activations. A steps = 0 case (answer 1.0 whatever W is) counts
    only together with a steps = 1 case on the same W, so a constant earns nothing."""
    out = []
    steps = [0, 1, 2, 3, 7, 20, 50, 200]
    for i, s in enumerate(steps):
        for activation in ACTIVATIONS:
            g = draw.rng(f"gradient_bound/values/{max(i, 1)}/{activation}")
            H = int(C.STRUCTURE.rng(f"gradient_bound/values/{max(i, 1)}/{activation}").integers(2, 6))
            target = float(g.uniform(0.93, 1.07)) if s >= 50 else float(g.uniform(0.3, 2.0))
            W = with_gamma_lambda(non_normal(g, H), target, activation)
            group = f"{activation}/{max(i, 1)}" if s <= 1 else f"{activation}/{i}"
            out.append(Case((W, s), {"activation": activation}, label=f"H={H}, steps={s}, activation={activation!r}",
                            meta={"group": group}))
    return out


def product_norm(hs: np.ndarray, W: np.ndarray, activation: str) -> float:
    """The true spectral norm of dh_T/dh_0 for states hs: (T+1, H)."""
    J = ref().jacobian_through_time(hs, W, 0, hs.shape[0] - 1, activation)
    return float(np.linalg.norm(J, 2))


def bound_holds_cases(draw: C.Draw) -> list[Case]:
    """Random and non-normal W with states near the derivative's peak, where bounds are tested hardest."""
    out = []
    for i in range(8):
        activation = ACTIVATIONS[i % 2]
        g = draw.rng(f"gradient_bound/holds/{i}")
        shape = C.STRUCTURE.rng(f"gradient_bound/holds/{i}")
        H, steps = int(shape.integers(2, 5)), int(shape.integers(1, 6))
        W = non_normal(g, H) if i < 6 else C.non_symmetric(g, H, 1.2)
        hs = PEAK_STATE[activation] + g.normal(0.0, 0.02, size=(steps + 1, H))
        out.append(Case((W, steps), {"activation": activation},
                        label=f"H={H}, steps={steps}, activation={activation!r}",
                        meta={"true_norm": product_norm(hs, W, activation)}))
    return out


def bound_tight_cases(draw: C.Draw) -> list[Case]:
    out = []
    for i, (H, (lo, hi), steps) in enumerate([(3, (0.8, 0.95), 4), (4, (1.05, 1.2), 3), (2, (2.5, 3.5), 5),
                                              (5, (2.0, 3.0), 2)]):
        activation = ACTIVATIONS[i % 2]
        g = draw.rng(f"gradient_bound/tight/{i}")
        Q, _ = np.linalg.qr(g.normal(size=(H, H)))
        W = float(g.uniform(lo, hi)) * Q
        hs = np.full((steps + 1, H), PEAK_STATE[activation])
        out.append(Case((W, steps), {"activation": activation},
                        label=i18n._("W = c Q (Q orthogonal), H={H}, steps={steps}, activation={activation}").format(
                            H=H, steps=steps, activation=repr(activation)),
                        meta={"true_norm": product_norm(hs, W, activation)}))
    return out


def _scalar(result: CallResult) -> float | None:
    leaf = result.leaf("output")
    got = leaf.get("array") if leaf else None
    if isinstance(got, np.ndarray) and got.shape == () and np.isfinite(got):
        return float(got)
    return None


def bound_holds(case: Case, result: CallResult) -> Verdict:
    value, true = _scalar(result), case.meta["true_norm"]
    if value is None:
        return compare(result.leaf("output"), np.float64(true), "the bound")
    if value < true * (1 - 1e-9):
        return Verdict(False, i18n._("the bound is smaller than the true norm of the Jacobian product for some "
                                     "states, so it is not an upper bound"))
    return PASS


def bound_tight(case: Case, result: CallResult) -> Verdict:
    return compare(result.leaf("output"), np.float64(case.meta["true_norm"]), "the bound", case.visible)


# ---- classify_gradient_regime ---------------------------------------------------------------
REGIME_GROUP = 16    # matrices per group, each on a side of gamma * lambda_1 = 1 drawn by a fair coin
REGIME_CHANCE = 1 / 2 ** REGIME_GROUP    # what any answer that does not compute gets right, per group


def regime_cases(draw: C.Draw) -> list[Case]:
    """Groups of sixteen matrices near gamma * lambda_1 = 1, each below or above it by a coin the
    submission's draw tosses; a group counts when all sixteen are right, and the score is corrected
    for guessing (Check.chance), so a constant, an alternating or a random answer earns nothing.
    The last margin uses symmetric matrices (lambda_1 = spectral radius), where an answer based on
    eigenvalues is right: only so can it be told from one that never says "may_explode"."""
    out = []
    margins = [0.5, 0.1, 1e-3, 0.2]
    for i, margin in enumerate(margins):
        for activation in ACTIVATIONS:
            g = draw.rng(f"classify_gradient_regime/{i}/{activation}")
            shape = C.STRUCTURE.rng(f"classify_gradient_regime/{i}/{activation}")
            for _ in range(REGIME_GROUP):
                H = int(shape.integers(2, 5))
                base = non_normal(g, H) if i != 1 else C.non_symmetric(g, H)
                if i == 3:
                    base = base + base.T
                above = bool(g.integers(0, 2))
                value = (1 + margin) * float(g.uniform(1.0, 1.0 + margin / 4)) if above else \
                    (1 - margin) * float(g.uniform(1.0 - margin / 4, 1.0))
                out.append(Case((with_gamma_lambda(base, value, activation),), {"activation": activation},
                                label=i18n._("H={H}, activation={activation}, one of {n} matrices near "
                                             "gamma*lambda_1 = 1").format(H=H, activation=repr(activation),
                                                                          n=REGIME_GROUP),
                                meta={"group": f"{i}/{activation}"}))
    return out


def regime_right(case: Case, result: CallResult) -> Verdict:
    expected = ref().classify_gradient_regime(*case.args, **case.kwargs)
    leaf = result.leaf("output") or {}
    if "problem" in leaf:
        return Verdict(False, worker_text.translate(leaf["problem"]))
    got = leaf.get("str")
    if got not in ("vanishing", "may_explode"):
        return Verdict(False, i18n._("the answer is neither 'vanishing' nor 'may_explode' (the only two answers)"))
    if got != expected:
        if case.visible:
            return Verdict(False, i18n._("expected {expected}, got {got}").format(expected=repr(expected),
                                                                                  got=repr(got)))
        return Verdict(False, i18n._("at least one matrix of this group is classified wrongly"))
    return PASS


def example_regime(draw: C.Draw) -> list[Case]:
    out = []
    for value in (0.8, 1.25):
        W = np.array([[0.0, value], [0.0, 0.0]]) + np.diag([value / 2, 0.0])
        out.append(Case((with_gamma_lambda(W, value, "tanh"),), {"activation": "tanh"},
                        label=i18n._("W with gamma*lambda_1 = {value}, activation='tanh'").format(value=value)))
    return out


def example_hidden_jacobian(draw: C.Draw) -> list[Case]:
    return [Case((np.array([0.5, -0.25]), np.array([[1.0, 2.0], [3.0, 4.0]])), {"activation": "tanh"},
                 label="h_t = [0.5, -0.25], W_hh = [[1, 2], [3, 4]], activation='tanh'")]


def example_through_time(draw: C.Draw) -> list[Case]:
    hs = np.array([[0.1, 0.2], [0.3, -0.4], [0.5, 0.0]])
    return [Case((hs, np.array([[1.0, 2.0], [3.0, 4.0]]), 0, 2), {"activation": "tanh"},
                 label="hs = [[0.1, 0.2], [0.3, -0.4], [0.5, 0]], W_hh = [[1, 2], [3, 4]], k=0, t=2")]


def example_bound(draw: C.Draw) -> list[Case]:
    return [Case((np.array([[0.5, 1.0], [0.0, 0.5]]), 3), {"activation": "sigmoid"},
                 label="W_hh = [[0.5, 1], [0, 0.5]], steps=3, activation='sigmoid'")]


def _ref(name: str):
    return lambda case: getattr(ref(), name)(*case.args, **case.kwargs)


PROBES = [
    Probe("hidden_jacobian.tanh", "hidden_jacobian", lambda d: one_step_cases(d, "tanh")),
    Probe("hidden_jacobian.sigmoid", "hidden_jacobian", lambda d: one_step_cases(d, "sigmoid")),
    Probe("jacobian_through_time.tanh", "jacobian_through_time", lambda d: through_time_cases(d, "tanh")),
    Probe("jacobian_through_time.sigmoid", "jacobian_through_time", lambda d: through_time_cases(d, "sigmoid")),
    Probe("jacobian_through_time.identity", "jacobian_through_time",
          lambda d: through_time_cases(d, "tanh", True) + through_time_cases(d, "sigmoid", True)[:2]),
    Probe("gradient_bound.values", "gradient_bound", bound_value_cases),
    Probe("gradient_bound.holds", "gradient_bound", bound_holds_cases),
    Probe("gradient_bound.tight", "gradient_bound", bound_tight_cases),
    Probe("classify_gradient_regime.sides", "classify_gradient_regime", regime_cases),
    Probe("hidden_jacobian.example", "hidden_jacobian", example_hidden_jacobian, visible=True),
    Probe("jacobian_through_time.example", "jacobian_through_time", example_through_time, visible=True),
    Probe("gradient_bound.example", "gradient_bound", example_bound, visible=True),
    Probe("classify_gradient_regime.example", "classify_gradient_regime", example_regime, visible=True),
]

CHECKS = [
    Check("hidden_jacobian.tanh", "hidden_jacobian", "tanh Jacobian equals diag(1 - h_t**2) @ W_hh.T elementwise",
          "hidden_jacobian.tanh", matches("output", _ref("hidden_jacobian"), "J")),
    Check("hidden_jacobian.sigmoid", "hidden_jacobian",
          "sigmoid Jacobian equals diag(h_t * (1 - h_t)) @ W_hh.T elementwise",
          "hidden_jacobian.sigmoid", matches("output", _ref("hidden_jacobian"), "J")),
    inputs_check(PROBES, "hidden_jacobian", "hidden_jacobian.tanh", ("h_t", "W_hh"), gate="hidden_jacobian.tanh"),
    Check("jacobian_through_time.tanh", "jacobian_through_time", "dh_t/dh_k = J_t @ ... @ J_{k+1} (tanh)",
          "jacobian_through_time.tanh", matches("output", _ref("jacobian_through_time"), "dh_t/dh_k")),
    Check("jacobian_through_time.sigmoid", "jacobian_through_time", "dh_t/dh_k = J_t @ ... @ J_{k+1} (sigmoid)",
          "jacobian_through_time.sigmoid", matches("output", _ref("jacobian_through_time"), "dh_t/dh_k")),
    Check("jacobian_through_time.identity", "jacobian_through_time", "the identity when k == t",
          "jacobian_through_time.identity", matches("output", _ref("jacobian_through_time"), "dh_t/dh_k"),
          gated_by="jacobian_through_time.tanh"),
    inputs_check(PROBES, "jacobian_through_time", "jacobian_through_time.tanh", ("hs", "W_hh"),
                 gate="jacobian_through_time.tanh"),
    Check("gradient_bound.values", "gradient_bound", "equals (gamma * lambda_1)**steps",
          "gradient_bound.values", matches("output", _ref("gradient_bound"), "the bound")),
    Check("gradient_bound.holds", "gradient_bound", "bounds the true norm of Jacobian products",
          "gradient_bound.holds", bound_holds, gated_by="gradient_bound.values"),
    Check("gradient_bound.tight", "gradient_bound", "is tight for W = c Q at the derivative's peak",
          "gradient_bound.tight", bound_tight),
    inputs_check(PROBES, "gradient_bound", "gradient_bound.values", ("W_hh",), gate="gradient_bound.values"),
    Check("classify_gradient_regime.sides", "classify_gradient_regime",
          "right on both sides of gamma * lambda_1 = 1", "classify_gradient_regime.sides", regime_right,
          chance=REGIME_CHANCE),
    inputs_check(PROBES, "classify_gradient_regime", "classify_gradient_regime.sides", ("W_hh",),
                 gate="classify_gradient_regime.sides"),
    example_check("hidden_jacobian", "hidden_jacobian.example", matches("output", _ref("hidden_jacobian"), "J")),
    example_check("jacobian_through_time", "jacobian_through_time.example",
                  matches("output", _ref("jacobian_through_time"), "dh_t/dh_k")),
    example_check("gradient_bound", "gradient_bound.example", matches("output", _ref("gradient_bound"), "the bound")),
    example_check("classify_gradient_regime", "classify_gradient_regime.example", regime_right),
]
