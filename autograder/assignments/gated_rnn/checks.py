"""Checks of the gated_rnn assignment: lstm.py, gru.py, truncated.py (docs/contracts/gated_rnn.md).

How the engine registers them (issue 11, "one assignment, one declaration"): the assignment's
declaration names PROBES and CHECKS below, as part 1's registry lists checks/rnn.py's; points are
in points.py beside this file (keyed by check id), the contract in contract.py, the reference in
reference.py, the misconceptions in diagnosis.py, the public forwards in public_helpers.py. The
engine builds every probe's cases from the grade's Draw (worked examples from cases.VISIBLE),
runs them in the worker, and scores each check with scoring.score_check; nothing here needs more
than today's types. Until the declaration lands, score_check reads part 1's points table and
contract (scoring.POINTS, scoring.BY_NAME): tests/gated_rnn/test_gated_checks.py patches in these.

What is checked, per function, each check scored separately with partial credit:
- forwards: the states h (and c) against the reference, and finite and warning-free on cases with
  every gate saturated (biases +-1000: a naive sigmoid overflows, handout §2.3);
- backwards: every gradient against the reference's, given the reference's forward states, and
  all of them against central finite differences of the loss through the reference forward (for
  the truncation: through the detached forward, h_mk entering step mk+1 as a constant);
- lstm_state_jacobian: each of the four H x H blocks on its own (cases with a large forget-gate
  bias, f near 1, among them), and the whole J against finite differences of one step;
- the truncation for k = 1, k dividing T, k not dividing T, and k >= T (full BPTT);
- inputs left alone (credit gated by a value check); T = 1 and (but for the GRU, whose reset
  conventions agree at H = 1) H = 1 are cases of the value probes, and a non-finite answer fails
  the value checks.

Hidden cases differ per submission (values from its Draw); shapes, k and the mix of edge cases
come from cases.STRUCTURE and cases.generated_sizes, the same for everyone. Labels give sizes and
kinds only; messages never show a hidden number (judge.compare, and the finite-difference judge
below, which names gradients and a bucket of the error).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from autograder import i18n
from autograder.assignments.gated_rnn.contract import ARG_NAMES, GRU_KEYS, LSTM_KEYS, RNN_KEYS
from autograder.assignments.gated_rnn.reference import load as ref
from autograder.assignments.rnn_bptt.inputs import rnn_params  # the truncation is part 1's vanilla RNN
from autograder.engine import cases as C
from autograder.engine import checks as engine  # all_of, warning_free: the saturating gates
from autograder.engine.checks import (
    CallResult,
    Case,
    Check,
    Judge,
    Probe,
    Verdict,
    example_check,
    inputs_check,
    matches,
)
from autograder.engine.judge import PASS, compare
from autograder.numerics import central_differences


# ---- shared pieces ----------------------------------------------------------------------------
class Expected:
    """The reference's answer to one case as {output name: array}, computed when a judge first asks
    (an answer that never came back, e.g. from a stub, costs no reference call)."""

    def __init__(self, compute: Callable[[], dict[str, np.ndarray]]):
        self._compute, self._values = compute, None

    def __getitem__(self, name: str) -> np.ndarray:
        if self._values is None:
            self._values = self._compute()
        return self._values[name]


def grad_paths(keys: tuple[str, ...], states: tuple[str, ...]) -> dict[str, str]:
    """Output name -> the worker's leaf path: dx, dh0 (dc0), then grads['<key>'] per parameter."""
    return {**{s: s for s in ("dx", *states)}, **{k: f"grads[{k!r}]" for k in keys}}


def grad_label(name: str) -> str:
    return name if name in ("dx", "dh0", "dc0") else f"d{name}"


def _expected(name: str) -> Callable[[Case], np.ndarray]:
    return lambda case: case.meta["expected"][name]


def all_match(paths: dict[str, str], label: Callable[[str], str] = grad_label) -> Judge:
    """Every output against the reference; the first that differs is the verdict."""

    def judge(case: Case, result: CallResult) -> Verdict:
        for name, path in paths.items():
            v = compare(result.leaf(path), case.meta["expected"][name], label(name), case.visible)
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
                wrong.append(compare(leaf, fd[name], label(name)).message.split("\n")[0])
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


class FiniteDifferences:
    """case.meta['fd']: central differences of a loss, computed when a judge first asks."""

    def __init__(self, loss: Callable[[dict], float], inputs: dict[str, np.ndarray]):
        self._loss, self._inputs, self._values = loss, inputs, None

    def __getitem__(self, name: str) -> np.ndarray:
        if self._values is None:
            self._values = central_differences(self._loss, self._inputs)
        return self._values[name]


def _sizes(draw: C.Draw, name: str, fixed: list[tuple], n_generated: int, **ranges) -> list[tuple]:
    """(*sizes, seed, scale): the fixed sizes (scale 1), then Hypothesis's; seeds from the draw."""
    out = [(*s, 1.0) for s in fixed]
    out += [(*(s[k] for k in ranges), s["scale"]) for s in C.generated_sizes(n_generated, **ranges)]
    return [(*s[:-1], draw.seed(f"{name}/{i}"), s[-1]) for i, s in enumerate(out)]


def _label(**sizes) -> str:
    return ", ".join(f"{k}={v}" for k, v in sizes.items())


def _normal(g: np.random.Generator, scale: float, shape: tuple) -> np.ndarray:
    return g.normal(0.0, scale, size=shape)


def initial_state(g: np.random.Generator, N: int, H: int) -> np.ndarray:
    """h0, h_prev: strictly inside (-1, 1)."""
    return np.tanh(g.normal(0.0, 1.0, size=(N, H)))


def initial_cell(g: np.random.Generator, N: int, H: int) -> np.ndarray:
    """c0, c_prev: in [-3, 3]."""
    return g.uniform(-3.0, 3.0, size=(N, H))


# ---- the LSTM ---------------------------------------------------------------------------------
LSTM_SIZES = [(2, 4, 3, 3), (3, 5, 2, 2), (1, 6, 4, 4), (3, 1, 2, 3), (2, 4, 3, 1), (4, 2, 1, 2)]   # (N, T, D, H)
LSTM_RANGES = dict(N=(1, 3), T=(1, 5), D=(1, 4), H=(1, 4))
LSTM_FD_SIZES = [(2, 3, 2, 2), (1, 4, 3, 1), (2, 1, 2, 3)]
LSTM_GRADS = grad_paths(LSTM_KEYS, ("dh0", "dc0"))
LSTM_LOSS = i18n.N_("L = sum(dh * h) + sum(dc * c)")


def lstm_params(g: np.random.Generator, D: int, H: int, scale: float = 1.0, forget_bias: float = 0.0) -> dict:
    """W_x (D, 4H), W_h (H, 4H), b (4H,) of moderate scale; forget_bias is added to b[H:2H]."""
    b = _normal(g, 0.5 * scale, (4 * H,))
    b[H:2 * H] += forget_bias
    return {"W_x": _normal(g, scale / np.sqrt(D), (D, 4 * H)), "W_h": _normal(g, scale / np.sqrt(H), (H, 4 * H)),
            "b": b}


def lstm_forward_case(N, T, D, H, seed, scale) -> Case:
    g = np.random.default_rng(seed)
    x = _normal(g, scale, (N, T, D))
    h0, c0 = initial_state(g, N, H), initial_cell(g, N, H)
    params = lstm_params(g, D, H, scale)
    args = (x, h0, c0, params)
    return Case(args, label=_label(N=N, T=T, D=D, H=H),
                meta={"expected": Expected(lambda: dict(zip(("h", "c"), ref().lstm_forward(*args))))})


def lstm_backward_case(N, T, D, H, seed, scale, dc_zero: bool = False) -> Case:
    """Inputs of lstm_backward with the reference's forward states (drawn from seeds of this
    probe's own, so they answer no call of lstm_forward)."""
    x, h0, c0, params = lstm_forward_case(N, T, D, H, seed, scale).args
    h, c = ref().lstm_forward(x, h0, c0, params)
    g = np.random.default_rng([seed, 1])
    dh = g.normal(0.0, 1.0, size=(N, T, H))
    dc = np.zeros((N, T, H)) if dc_zero else g.normal(0.0, 1.0, size=(N, T, H))
    args = (dh, dc, x, h0, c0, h, c, params)

    def expected() -> dict:
        dx, dh0, dc0, grads = ref().lstm_backward(*args)
        return {"dx": dx, "dh0": dh0, "dc0": dc0, **grads}

    label = _label(N=N, T=T, D=D, H=H) + (", dc = 0" if dc_zero else "")
    return Case(args, label=label, meta={"expected": Expected(expected)})


def lstm_fd_cases(draw: C.Draw) -> list[Case]:
    out = []
    for i, sizes in enumerate(LSTM_FD_SIZES):
        case = lstm_backward_case(*sizes, draw.seed(f"lstm_backward.finite_differences/{i}"), 1.0)
        dh, dc, x, h0, c0, _, _, params = case.args

        def loss(v, dh=dh, dc=dc):
            h, c = ref().lstm_forward(v["dx"], v["dh0"], v["dc0"], {k: v[k] for k in LSTM_KEYS})
            return float(np.sum(dh * h) + np.sum(dc * c))

        case.meta["fd"] = FiniteDifferences(loss, {"dx": x, "dh0": h0, "dc0": c0, **params})
        out.append(case)
    return out


# lstm_state_jacobian: J (2H, 2H) = [[J_hh, J_hc], [J_ch, J_cc]]
BLOCKS = {"hh": ("d h_t / d h_{t-1}", 0, 0), "hc": ("d h_t / d c_{t-1}", 0, 1),
          "ch": ("d c_t / d h_{t-1}", 1, 0), "cc": ("d c_t / d c_{t-1}", 1, 1)}
JACOBIAN_SIZES = [(3, 3), (2, 4), (4, 2), (1, 1), (2, 1), (3, 2)]   # (D, H)
FORGET_BIAS_SIZES = [(2, 3), (3, 2), (1, 4)]                      # f near 1: the cell path near the identity
JACOBIAN_FD_SIZES = [(2, 3, 0.0), (3, 2, 5.0), (1, 1, 0.0), (2, 2, 0.0)]   # (D, H, forget bias)


def jacobian_case(D, H, seed, scale, forget_bias: float = 0.0) -> Case:
    g = np.random.default_rng(seed)
    x_t = _normal(g, scale, (D,))
    h_prev, c_prev = initial_state(g, 1, H)[0], initial_cell(g, 1, H)[0]
    params = lstm_params(g, D, H, scale, forget_bias)
    label = _label(D=D, H=H) + (i18n._(", large forget-gate bias (f near 1)") if forget_bias else "")
    return Case((x_t, h_prev, c_prev, params), label=label)


def jacobian_cases(draw: C.Draw) -> list[Case]:
    specs = [(D, H, 1.0, 0.0) for D, H in JACOBIAN_SIZES]
    specs += [(s["D"], s["H"], s["scale"], 0.0) for s in C.generated_sizes(6, D=(1, 4), H=(1, 4))]
    specs += [(D, H, 1.0, 5.0) for D, H in FORGET_BIAS_SIZES]
    return [jacobian_case(D, H, draw.seed(f"lstm_state_jacobian/{i}"), scale, bias)
            for i, (D, H, scale, bias) in enumerate(specs)]


def one_step(x_t, h_prev, c_prev, params) -> np.ndarray:
    """s_t = [h_t, c_t] (2H,) through the reference's forward of one step."""
    h, c = ref().lstm_forward(x_t[None, None, :], h_prev[None, :], c_prev[None, :], params)
    return np.concatenate([h[0, 0], c[0, 0]])


def jacobian_fd_cases(draw: C.Draw) -> list[Case]:
    out = []
    for i, (D, H, bias) in enumerate(JACOBIAN_FD_SIZES):
        case = jacobian_case(D, H, draw.seed(f"lstm_state_jacobian.finite_differences/{i}"), 1.0, bias)
        x_t, h_prev, c_prev, params = case.args
        case.meta["fd"] = JacobianDifferences(x_t, h_prev, c_prev, params)
        out.append(case)
    return out


class JacobianDifferences:
    """{'J': central differences of s_t = [h_t, c_t] with respect to [h_{t-1}, c_{t-1}]}, on demand."""

    def __init__(self, x_t, h_prev, c_prev, params, eps: float = 1e-6):
        self._args, self._eps, self._J = (x_t, h_prev, c_prev, params), eps, None

    def __getitem__(self, name: str) -> np.ndarray:
        if self._J is None:
            x_t, h_prev, c_prev, params = self._args
            H = h_prev.shape[0]
            s = np.concatenate([h_prev, c_prev])
            J = np.zeros((2 * H, 2 * H))
            for j in range(2 * H):
                cols = []
                for sign in (1.0, -1.0):
                    b = s.copy()
                    b[j] += sign * self._eps
                    cols.append(one_step(x_t, b[:H], b[H:], params))
                J[:, j] = (cols[0] - cols[1]) / (2 * self._eps)
            self._J = J
        return {"J": self._J}[name]


def block_matches(block: str) -> Judge:
    """One H x H block of J against the reference's (the whole J when the shape is wrong)."""
    _, row, col = BLOCKS[block]

    def judge(case: Case, result: CallResult) -> Verdict:
        expected = ref().lstm_state_jacobian(*case.args)
        H = expected.shape[0] // 2
        leaf = result.leaf("output")
        got = leaf.get("array") if leaf else None
        if not isinstance(got, np.ndarray) or got.shape != expected.shape:
            return compare(leaf, expected, "J", case.visible)
        part = (slice(row * H, (row + 1) * H), slice(col * H, (col + 1) * H))
        return compare({"array": got[part]}, expected[part], f"J_{block}", case.visible)

    return judge


def jacobian_matches(case: Case, result: CallResult) -> Verdict:
    return compare(result.leaf("output"), ref().lstm_state_jacobian(*case.args), "J", case.visible)


# ---- the GRU ----------------------------------------------------------------------------------
# No H = 1: with one unit the reset gate is a scalar, r_t * (h_{t-1} W_hn) = (r_t * h_{t-1}) W_hn, and the
# PyTorch convention would pass (handout §5.2).
GRU_SIZES = [(2, 4, 3, 3), (3, 5, 2, 2), (1, 6, 4, 4), (3, 1, 2, 3), (2, 4, 3, 2), (4, 2, 1, 2)]   # (N, T, D, H)
GRU_RANGES = dict(N=(1, 3), T=(1, 5), D=(1, 4), H=(2, 4))
GRU_FD_SIZES = [(2, 3, 2, 2), (1, 4, 2, 3), (2, 1, 3, 2)]
GRU_GRADS = grad_paths(GRU_KEYS, ("dh0",))
GRU_LOSS = i18n.N_("L = sum(dh * h)")


def gru_params(g: np.random.Generator, D: int, H: int, scale: float = 1.0) -> dict:
    """W_x* (D, H), W_h* (H, H), b_* (H,) of moderate scale, for * in r, z, n."""
    p = {}
    for gate in "rzn":
        p[f"W_x{gate}"] = _normal(g, scale / np.sqrt(D), (D, H))
        p[f"W_h{gate}"] = _normal(g, scale / np.sqrt(H), (H, H))
        p[f"b_{gate}"] = _normal(g, 0.5 * scale, (H,))
    return {k: p[k] for k in GRU_KEYS}


def gru_forward_case(N, T, D, H, seed, scale) -> Case:
    g = np.random.default_rng(seed)
    x = _normal(g, scale, (N, T, D))
    h0 = initial_state(g, N, H)
    params = gru_params(g, D, H, scale)
    args = (x, h0, params)
    return Case(args, label=_label(N=N, T=T, D=D, H=H),
                meta={"expected": Expected(lambda: {"h": ref().gru_forward(*args)})})


def saturating(case: Case, params: dict, bias_keys: tuple[str, ...], seed: int) -> Case:
    """The case with every bias entry set to +-1000 (signs from the seed): every gate saturates, and a
    naive 1 / (1 + np.exp(-a)) overflows (handout §2.3)."""
    g = np.random.default_rng([seed, 2])
    for key in bias_keys:
        params[key] = 1000.0 * g.choice([-1.0, 1.0], size=params[key].shape)
    return Case(case.args, label=case.label + ", gate pre-activations near +-1000", meta=case.meta)


SATURATING_SIZES = [(2, 3, 3, 2), (1, 2, 2, 3)]   # (N, T, D, H)


def lstm_saturating_cases(draw: C.Draw) -> list[Case]:
    out = []
    for i, sizes in enumerate(SATURATING_SIZES):
        seed = draw.seed(f"lstm_forward.saturating/{i}")
        case = lstm_forward_case(*sizes, seed, 1.0)
        out.append(saturating(case, case.args[3], ("b",), seed))
    return out


def gru_saturating_cases(draw: C.Draw) -> list[Case]:
    out = []
    for i, sizes in enumerate(SATURATING_SIZES):
        seed = draw.seed(f"gru_forward.saturating/{i}")
        case = gru_forward_case(*sizes, seed, 1.0)
        out.append(saturating(case, case.args[2], ("b_r", "b_z", "b_n"), seed))
    return out


def finite(paths: tuple[str, ...]) -> Judge:
    """Every output a finite array (its value is judged by the value checks)."""

    def judge(case: Case, result: CallResult) -> Verdict:
        for path in paths:
            leaf = result.leaf(path)
            got = leaf.get("array") if leaf else None
            if not isinstance(got, np.ndarray):
                return compare(leaf, np.zeros(0), path)
            if not np.all(np.isfinite(got)):
                return Verdict(False, f"{path} has {int(np.sum(~np.isfinite(got)))} non-finite entries")
        return PASS

    return judge


def gru_backward_case(N, T, D, H, seed, scale) -> Case:
    x, h0, params = gru_forward_case(N, T, D, H, seed, scale).args
    h = ref().gru_forward(x, h0, params)
    dh = np.random.default_rng([seed, 1]).normal(0.0, 1.0, size=(N, T, H))
    args = (dh, x, h0, h, params)

    def expected() -> dict:
        dx, dh0, grads = ref().gru_backward(*args)
        return {"dx": dx, "dh0": dh0, **grads}

    return Case(args, label=_label(N=N, T=T, D=D, H=H), meta={"expected": Expected(expected)})


def gru_fd_cases(draw: C.Draw) -> list[Case]:
    out = []
    for i, sizes in enumerate(GRU_FD_SIZES):
        case = gru_backward_case(*sizes, draw.seed(f"gru_backward.finite_differences/{i}"), 1.0)
        dh, x, h0, _, params = case.args

        def loss(v, dh=dh):
            return float(np.sum(dh * ref().gru_forward(v["dx"], v["dh0"], {k: v[k] for k in GRU_KEYS})))

        case.meta["fd"] = FiniteDifferences(loss, {"dx": x, "dh0": h0, **params})
        out.append(case)
    return out


# ---- truncated BPTT ---------------------------------------------------------------------------
TRUNCATED_GRADS = grad_paths(RNN_KEYS, ("dh0",))
TRUNCATED_LOSS = i18n.N_("L = sum(dh * h) + sum(dy * y) through the detached forward (h_k, h_2k, ... entering "
                          "the next step as constants)")
DIMS = dict(N=(1, 3), D=(1, 4), H=(1, 4), O=(1, 3))


def rnn_states(x, h0, params, k: int | None = None, frozen: np.ndarray | None = None) -> np.ndarray:
    """The vanilla RNN's states h (N, T, H). With k and frozen (N, T, H): the detached forward, in
    which step mk+1 reads frozen's h_mk (a constant) instead of the live state (m >= 1)."""
    h, prev = np.zeros(x.shape[:2] + h0.shape[1:]), h0
    for t in range(1, x.shape[1] + 1):
        if frozen is not None and t - 1 >= 1 and (t - 1) % k == 0:
            prev = frozen[:, t - 2]
        prev = np.tanh(x[:, t - 1] @ params["W_xh"] + prev @ params["W_hh"] + params["b_h"])
        h[:, t - 1] = prev
    return h


def truncated_case(N, T, D, H, O, k, seed, scale) -> Case:
    g = np.random.default_rng(seed)
    x = _normal(g, scale, (N, T, D))
    h0 = initial_state(g, N, H)
    params = rnn_params(g, D, H, O, scale)
    h = rnn_states(x, h0, params)
    dh, dy = g.normal(0.0, 1.0, size=(N, T, H)), g.normal(0.0, 1.0, size=(N, T, O))
    args = (dh, dy, x, h0, h, params, k)

    def expected() -> dict:
        dx, dh0, grads = ref().rnn_backward_truncated(*args)
        return {"dx": dx, "dh0": dh0, **grads}

    return Case(args, label=_label(N=N, T=T, D=D, H=H, O=O, k=k), meta={"expected": Expected(expected)})


def _divisors(T: int) -> list[int]:
    return [k for k in range(2, T) if T % k == 0]


def _non_divisors(T: int) -> list[int]:
    return [k for k in range(2, T) if T % k]


def chunk_lengths(kind: str, i: int) -> tuple[int, int]:
    """(T, k) of the i-th generated case of a kind, from STRUCTURE (the same for every submission)."""
    g = C.STRUCTURE.rng(f"rnn_backward_truncated/{kind}/{i}")
    if kind == "k_1":
        return int(g.integers(1, 7)), 1
    if kind == "k_divides":
        T = int(g.choice([4, 6, 8, 9, 10, 12]))
        return T, int(g.choice(_divisors(T)))
    if kind == "k_not_dividing":
        T = int(g.integers(3, 10))
        return T, int(g.choice(_non_divisors(T)))
    T = int(g.integers(1, 7))
    return T, T + int(g.integers(0, 4))


TRUNCATION_FIXED = {   # (N, T, D, H, O, k)
    "k_1": [(2, 5, 3, 3, 2, 1), (1, 1, 2, 2, 1, 1), (3, 4, 2, 1, 2, 1)],
    "k_divides": [(2, 6, 3, 3, 2, 2), (2, 6, 2, 3, 2, 3), (1, 8, 2, 2, 1, 4), (3, 4, 2, 1, 2, 2)],
    "k_not_dividing": [(2, 7, 3, 3, 2, 3), (1, 5, 2, 2, 1, 2), (2, 8, 2, 3, 2, 3), (3, 3, 1, 1, 2, 2)],
    "k_at_least_T": [(2, 5, 3, 3, 2, 5), (1, 4, 2, 2, 1, 7), (2, 1, 2, 3, 1, 1), (2, 3, 2, 1, 2, 100)],
}
TRUNCATION_TITLES = {
    "k_1": "k = 1 (every state detached): all gradients match the reference",
    "k_divides": "k dividing T: all gradients match the reference",
    "k_not_dividing": "k not dividing T (a shorter last chunk): all gradients match the reference",
    "k_at_least_T": "k >= T: all gradients equal full BPTT",
}
TRUNCATED_FD_SIZES = [(2, 5, 2, 3, 2, 2), (1, 6, 2, 2, 1, 4), (2, 4, 1, 2, 2, 1), (1, 3, 2, 2, 1, 5)]


def truncation_cases(draw: C.Draw, kind: str, n_generated: int = 6) -> list[Case]:
    specs = list(TRUNCATION_FIXED[kind])
    for i, s in enumerate(C.generated_sizes(n_generated, **DIMS)):
        T, k = chunk_lengths(kind, i)
        specs.append((s["N"], T, s["D"], s["H"], s["O"], k))
    return [truncated_case(*spec, draw.seed(f"rnn_backward_truncated.{kind}/{i}"), 1.0)
            for i, spec in enumerate(specs)]


def truncated_fd_cases(draw: C.Draw) -> list[Case]:
    out = []
    for i, sizes in enumerate(TRUNCATED_FD_SIZES):
        case = truncated_case(*sizes, draw.seed(f"rnn_backward_truncated.finite_differences/{i}"), 1.0)
        dh, dy, x, h0, h, params, k = case.args

        def loss(v, dh=dh, dy=dy, frozen=h, k=k):
            p = {key: v[key] for key in RNN_KEYS}
            states = rnn_states(v["dx"], v["dh0"], p, k, frozen)
            return float(np.sum(dh * states) + np.sum(dy * (states @ p["W_hy"] + p["b_y"])))

        case.meta["fd"] = FiniteDifferences(loss, {"dx": x, "dh0": h0, **params})
        out.append(case)
    return out


# ---- realistic sizes (one case per backward pass: run last, with a CPU budget of its own) -------
# Backpropagation through time takes well under a second here even with plain loops over samples and
# time (tests/gated_rnn/correct_variants/loops/); numerical differentiation needs one or two forward
# passes per parameter entry (about 100,000 for the LSTM, 74,000 for the GRU, 25,000 for the RNN):
# far beyond the budget (README, security; benchmarks/realistic_budget.py).
REALISTIC_LSTM = (16, 100, 64, 128)          # (N, T, D, H)
REALISTIC_GRU = (16, 100, 64, 128)           # (N, T, D, H)
REALISTIC_TRUNCATED = (16, 100, 64, 128, 10, 16)   # (N, T, D, H, O, k): k does not divide T


def realistic_lstm(draw: C.Draw) -> list[Case]:
    return [lstm_backward_case(*REALISTIC_LSTM, draw.seed("lstm_backward.realistic_size"), 1.0)]


def realistic_gru(draw: C.Draw) -> list[Case]:
    return [gru_backward_case(*REALISTIC_GRU, draw.seed("gru_backward.realistic_size"), 1.0)]


def realistic_truncated(draw: C.Draw) -> list[Case]:
    return [truncated_case(*REALISTIC_TRUNCATED, draw.seed("rnn_backward_truncated.realistic_size"), 1.0)]


def realistic_title(sizes: str) -> str:
    return f"all gradients match the reference at a realistic size ({sizes}), within the time limit"


# ---- worked examples (the public VISIBLE draw; no points) -------------------------------------
# H >= 2 and D != H in every one: at H = 1 (or D = H) a transposed or misplaced weight, or a gate
# applied after the product, can give the right answer (tests/test_misconceptions_visible.py).
def example_lstm_forward(draw: C.Draw) -> list[Case]:
    return [lstm_forward_case(1, 2, 3, 2, draw.seed("lstm_forward.example"), 1.0)]


def example_lstm_backward(draw: C.Draw) -> list[Case]:
    return [lstm_backward_case(1, 2, 3, 2, draw.seed("lstm_backward.example"), 1.0)]


def example_jacobian(draw: C.Draw) -> list[Case]:
    return [jacobian_case(3, 2, draw.seed("lstm_state_jacobian.example"), 1.0)]


def example_gru_forward(draw: C.Draw) -> list[Case]:
    return [gru_forward_case(1, 2, 3, 2, draw.seed("gru_forward.example"), 1.0)]


def example_gru_backward(draw: C.Draw) -> list[Case]:
    return [gru_backward_case(1, 2, 3, 2, draw.seed("gru_backward.example"), 1.0)]


def example_truncated(draw: C.Draw) -> list[Case]:
    return [truncated_case(1, 3, 3, 2, 1, 2, draw.seed("rnn_backward_truncated.example"), 1.0)]


# ---- the registry -----------------------------------------------------------------------------
def _lstm_sizes(draw, name):
    return _sizes(draw, name, LSTM_SIZES, 8, **LSTM_RANGES)


PROBES = [
    Probe("lstm_forward.cases", "lstm_forward",
          lambda d: [lstm_forward_case(*s) for s in _lstm_sizes(d, "lstm_forward")]),
    Probe("lstm_backward.cases", "lstm_backward",
          lambda d: [lstm_backward_case(*s) for s in _lstm_sizes(d, "lstm_backward")]),
    Probe("lstm_backward.dc_zero", "lstm_backward",
          lambda d: [lstm_backward_case(*s, dc_zero=True) for s in _lstm_sizes(d, "lstm_backward.dc_zero")[:8]]),
    Probe("lstm_backward.finite_differences", "lstm_backward", lstm_fd_cases),
    Probe("lstm_state_jacobian.cases", "lstm_state_jacobian", jacobian_cases),
    Probe("lstm_state_jacobian.finite_differences", "lstm_state_jacobian", jacobian_fd_cases),
    Probe("lstm_forward.saturating", "lstm_forward", lstm_saturating_cases),
    Probe("gru_forward.saturating", "gru_forward", gru_saturating_cases),
    Probe("gru_forward.cases", "gru_forward",
          lambda d: [gru_forward_case(*s) for s in _sizes(d, "gru_forward", GRU_SIZES, 8, **GRU_RANGES)]),
    Probe("gru_backward.cases", "gru_backward",
          lambda d: [gru_backward_case(*s) for s in _sizes(d, "gru_backward", GRU_SIZES, 8, **GRU_RANGES)]),
    Probe("gru_backward.finite_differences", "gru_backward", gru_fd_cases),
    *[Probe(f"rnn_backward_truncated.{kind}", "rnn_backward_truncated",
            lambda d, kind=kind: truncation_cases(d, kind)) for kind in TRUNCATION_FIXED],
    Probe("rnn_backward_truncated.finite_differences", "rnn_backward_truncated", truncated_fd_cases),
    Probe("lstm_backward.realistic_size", "lstm_backward", realistic_lstm, report_inputs=False, realistic=True),
    Probe("gru_backward.realistic_size", "gru_backward", realistic_gru, report_inputs=False, realistic=True),
    Probe("rnn_backward_truncated.realistic_size", "rnn_backward_truncated", realistic_truncated,
          report_inputs=False, realistic=True),
    Probe("lstm_forward.example", "lstm_forward", example_lstm_forward, visible=True),
    Probe("lstm_backward.example", "lstm_backward", example_lstm_backward, visible=True),
    Probe("lstm_state_jacobian.example", "lstm_state_jacobian", example_jacobian, visible=True),
    Probe("gru_forward.example", "gru_forward", example_gru_forward, visible=True),
    Probe("gru_backward.example", "gru_backward", example_gru_backward, visible=True),
    Probe("rnn_backward_truncated.example", "rnn_backward_truncated", example_truncated, visible=True),
]


def gradient_checks(function: str, probe: str, paths: dict[str, str]) -> list[Check]:
    return [Check(f"{function}.{name}", function, f"{grad_label(name)} matches the reference", probe,
                  matches(path, _expected(name), grad_label(name))) for name, path in paths.items()]


def fd_check(function: str, paths: dict[str, str], loss_text: str, what: str = "all gradients") -> Check:
    return Check(f"{function}.finite_differences", function, f"{what} agree with central finite differences",
                 f"{function}.finite_differences", agrees_with_finite_differences(paths, loss_text))


LB, LJ, GB, TB = "lstm_backward", "lstm_state_jacobian", "gru_backward", "rnn_backward_truncated"
SATURATING_TITLE = "finite and warning-free when the gates saturate (pre-activations near +-1000)"

CHECKS = [
    # lstm.py
    Check("lstm_forward.h", "lstm_forward", "hidden states h match the reference", "lstm_forward.cases",
          matches("h", _expected("h"))),
    Check("lstm_forward.c", "lstm_forward", "cell states c match the reference", "lstm_forward.cases",
          matches("c", _expected("c"))),
    Check("lstm_forward.saturating", "lstm_forward", SATURATING_TITLE, "lstm_forward.saturating",
          engine.all_of(engine.warning_free, finite(("h", "c"))), gated_by="lstm_forward.h"),
    inputs_check(PROBES, "lstm_forward", "lstm_forward.cases", ARG_NAMES["lstm_forward"], gate="lstm_forward.h"),
    *gradient_checks(LB, "lstm_backward.cases", LSTM_GRADS),
    Check("lstm_backward.dc_zero", LB, "all gradients match the reference when dc = 0 (a loss on h only)",
          "lstm_backward.dc_zero", all_match(LSTM_GRADS)),
    fd_check(LB, LSTM_GRADS, LSTM_LOSS),
    inputs_check(PROBES, LB, "lstm_backward.cases", ARG_NAMES[LB], gate="lstm_backward.dx"),
    Check(f"{LB}.realistic_size", LB, realistic_title("N={}, T={}, D={}, H={}".format(*REALISTIC_LSTM)),
          f"{LB}.realistic_size", all_match(LSTM_GRADS)),
    *[Check(f"{LJ}.{block}", LJ, f"the block J_{block} = {what} matches the reference", "lstm_state_jacobian.cases",
            block_matches(block)) for block, (what, _, _) in BLOCKS.items()],
    Check(f"{LJ}.finite_differences", LJ, "J agrees with central finite differences of one step",
          f"{LJ}.finite_differences",
          agrees_with_finite_differences({"J": "output"},
                                         i18n.N_("s_t = [h_t, c_t] with respect to [h_{t-1}, c_{t-1}]"), str)),
    inputs_check(PROBES, LJ, "lstm_state_jacobian.cases", ARG_NAMES[LJ], gate="lstm_state_jacobian.hh"),
    # gru.py
    Check("gru_forward.h", "gru_forward", "hidden states h match the reference", "gru_forward.cases",
          matches("output", _expected("h"), "h")),
    Check("gru_forward.saturating", "gru_forward", SATURATING_TITLE, "gru_forward.saturating",
          engine.all_of(engine.warning_free, finite(("output",))), gated_by="gru_forward.h"),
    inputs_check(PROBES, "gru_forward", "gru_forward.cases", ARG_NAMES["gru_forward"], gate="gru_forward.h"),
    *gradient_checks(GB, "gru_backward.cases", GRU_GRADS),
    fd_check(GB, GRU_GRADS, GRU_LOSS),
    inputs_check(PROBES, GB, "gru_backward.cases", ARG_NAMES[GB], gate="gru_backward.dx"),
    Check(f"{GB}.realistic_size", GB, realistic_title("N={}, T={}, D={}, H={}".format(*REALISTIC_GRU)),
          f"{GB}.realistic_size", all_match(GRU_GRADS)),
    # truncated.py
    *[Check(f"{TB}.{kind}", TB, title, f"{TB}.{kind}", all_match(TRUNCATED_GRADS))
      for kind, title in TRUNCATION_TITLES.items()],
    fd_check(TB, TRUNCATED_GRADS, TRUNCATED_LOSS),
    inputs_check(PROBES, TB, f"{TB}.k_divides", ARG_NAMES[TB], gate=f"{TB}.k_divides"),
    Check(f"{TB}.realistic_size", TB,
          realistic_title("N={}, T={}, D={}, H={}, O={}, k={}".format(*REALISTIC_TRUNCATED)),
          f"{TB}.realistic_size", all_match(TRUNCATED_GRADS)),
    # worked examples
    example_check("lstm_forward", "lstm_forward.example", all_match({"h": "h", "c": "c"}, str)),
    example_check(LB, "lstm_backward.example", all_match(LSTM_GRADS)),
    example_check(LJ, "lstm_state_jacobian.example", jacobian_matches),
    example_check("gru_forward", "gru_forward.example", matches("output", _expected("h"), "h")),
    example_check(GB, "gru_backward.example", all_match(GRU_GRADS)),
    example_check(TB, "rnn_backward_truncated.example", all_match(TRUNCATED_GRADS)),
]


# ---- the sympy derivations (symbolic.py): probes and checks of their own ----------------------
from autograder.assignments.gated_rnn import symbolic  # noqa: E402 - it builds its cases with the functions above

PROBES += symbolic.PROBES
CHECKS += symbolic.CHECKS
