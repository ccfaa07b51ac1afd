"""Judges and case plumbing shared by gated_rnn's checks modules (lstm.py, gru.py, truncated.py).

Hidden cases differ per submission (values from its Draw); shapes, k and the mix of edge cases
come from cases.STRUCTURE and cases.generated_sizes, the same for everyone. Labels give sizes and
kinds only; messages never show a hidden number (judge.compare, and the finite-difference judge
below, which names gradients and a bucket of the error).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from autograder import i18n
from autograder.engine import cases as C
from autograder.engine.checks import CallResult, Case, Check, Judge, Verdict, matches
from autograder.engine.expected import Expected
from autograder.engine.judge import PASS, compare, non_finite
from autograder.engine.numerics import central_differences


def grad_paths(keys: tuple[str, ...], states: tuple[str, ...]) -> dict[str, str]:
    """Output name -> the worker's leaf path: dx, dh0 (dc0), then grads['<key>'] per parameter."""
    return {**{s: s for s in ("dx", *states)}, **{k: f"grads[{k!r}]" for k in keys}}


def grad_label(name: str) -> str:
    return name if name in ("dx", "dh0", "dc0") else f"d{name}"


def expected_output(name: str) -> Callable[[Case], np.ndarray]:
    return lambda case: case.meta["expected"][name]


def all_match(paths: dict[str, str], label: Callable[[str], str] = grad_label) -> Judge:
    """Every output against the reference; the first that differs is the verdict."""

    def judge(case: Case, result: CallResult) -> Verdict:
        for name, path in paths.items():
            v = compare(result.leaf(path), case.meta["expected"][name], label(name), case.visible, case.sizes)
            if not v.passed:
                return v
        return PASS

    return judge


def agrees_with_finite_differences(paths: dict[str, str], loss_text: str,
                                   label: Callable[[str], str] = grad_label) -> Judge:
    """Every output within 1e-5 of its scale (+1e-7) of case.meta['fd'][name]; the message names
    the outputs that disagree and how far, as a bucket, never a value."""

    def judge(case: Case, result: CallResult) -> Verdict:
        fd = case.meta["fd"]
        wrong = []
        for name, path in paths.items():
            leaf = result.leaf(path)
            got = leaf.get("array") if leaf else None
            if not isinstance(got, np.ndarray) or got.shape != fd[name].shape or not np.all(np.isfinite(got)):
                wrong.append(compare(leaf, fd[name], label(name), sizes=case.sizes).message.split("\n")[0])
                continue
            scale = max(1e-6, float(np.abs(fd[name]).max()))
            err = float(np.abs(got - fd[name]).max())
            if err > 1e-5 * scale + 1e-7:
                size = i18n._("by more than 10% of its scale") if err > 0.1 * scale else i18n._(
                    "by up to 10% of its scale")
                wrong.append(f"{label(name)} ({size})")
        if wrong:
            return Verdict(False, i18n._("these disagree with central finite differences of {loss}: ").format(
                loss=i18n._(loss_text)) + "; ".join(wrong))
        return PASS

    return judge


class FiniteDifferences(Expected):
    """case.meta['fd']: central differences of a loss, computed when a judge first asks (or ahead)."""

    def __init__(self, loss: Callable[[dict], float], inputs: dict[str, np.ndarray]):
        super().__init__(lambda: central_differences(loss, inputs))


def draw_sizes(draw: C.Draw, name: str, fixed: list[tuple], n_generated: int, **ranges) -> list[tuple]:
    """(*sizes, seed, scale): the fixed sizes (scale 1), then Hypothesis's; seeds from the draw."""
    out = [(*s, 1.0) for s in fixed]
    out += [(*(s[k] for k in ranges), s["scale"]) for s in C.generated_sizes(n_generated, **ranges)]
    return [(*s[:-1], draw.seed(f"{name}/{i}"), s[-1]) for i, s in enumerate(out)]


def size_label(**sizes) -> str:
    return ", ".join(f"{k}={v}" for k, v in sizes.items())


def saturating(case: Case, params: dict, bias_keys: tuple[str, ...], seed: int) -> Case:
    """The case with every bias entry set to +-1000 (signs from the seed): every gate saturates, and a
    naive 1 / (1 + np.exp(-a)) overflows (handout §2.3)."""
    g = np.random.default_rng([seed, 2])
    for key in bias_keys:
        params[key] = 1000.0 * g.choice([-1.0, 1.0], size=params[key].shape)
    return Case(case.args, label=case.label + ", gate pre-activations near +-1000", meta=case.meta)


SATURATING_SIZES = [(2, 3, 3, 2), (1, 2, 2, 3)]   # (N, T, D, H)


def finite(paths: tuple[str, ...]) -> Judge:
    """Every output a finite array (its value is judged by the value checks)."""

    def judge(case: Case, result: CallResult) -> Verdict:
        for path in paths:
            leaf = result.leaf(path)
            got = leaf.get("array") if leaf else None
            if not isinstance(got, np.ndarray):
                return compare(leaf, np.zeros(0), path)
            if not np.all(np.isfinite(got)):
                return Verdict(False, non_finite(got, path, case.visible))
        return PASS

    return judge


# The realistic-size cases of lstm.py and gru.py (N=16, T=100, D=64, H=128) and truncated.py (N=4, T=400,
# k=350: see there): backpropagation through time takes well under a second there even with plain
# loops over samples and time (tests/gated_rnn/correct_variants/loops/); numerical differentiation
# needs one or two forward passes per parameter entry (about 100,000 for the LSTM, 74,000 for the GRU,
# 25,000 for the RNN): far beyond the budget (README, security; benchmarks/realistic_budget.py).
def realistic_title(sizes: str) -> str:
    return f"all gradients match the reference at a realistic size ({sizes}), within the time limit"


def gradient_checks(function: str, probe: str, paths: dict[str, str]) -> list[Check]:
    return [Check(f"{function}.{name}", function, f"{grad_label(name)} matches the reference", probe,
                  matches(path, expected_output(name), grad_label(name))) for name, path in paths.items()]


def fd_check(function: str, paths: dict[str, str], loss_text: str, what: str = "all gradients") -> Check:
    return Check(f"{function}.finite_differences", function, f"{what} agree with central finite differences",
                 f"{function}.finite_differences", agrees_with_finite_differences(paths, loss_text))


SATURATING_TITLE = "finite and warning-free when the gates saturate (pre-activations near +-1000)"
