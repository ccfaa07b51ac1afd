"""The handout's claims that an instructor's audit found false (issue 21, items 1-3 and 9-11),
each as corrected, checked numerically against the reference and the mistake models.
"""
import re
import sys
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gated_helpers import REPO_ROOT, STUBS_DIR, gru_case, lstm_case, reference, rnn_case  # noqa: E402

from autograder.assignments.gated_rnn import diagnosis as M  # noqa: E402
from autograder.assignments.gated_rnn.checks import lstm as K  # noqa: E402

HANDOUT = (STUBS_DIR / "handout.md").read_text(encoding="utf-8")
LSTM, GRU, TRUNC = reference("lstm"), reference("gru"), reference("truncated")


def section(number: str) -> str:
    return HANDOUT.split(f"### {number} ", 1)[1].split("\n### ", 1)[0].split("\n<a id=", 1)[0]


def test_item_1_a_large_forget_gate_bias_not_a_bias_near_1():
    text = " ".join(section("4.3").split())
    assert "a large forget-gate bias ($f_t$ near 1)" in text and "bias near 1" not in text
    # on the grader's own Jacobian cases, bias 1 leaves many f far from 1; bias 5 (its cases) does not

    def forget_gates(bias):
        out = []
        for seed in range(300):
            x_t, h_prev, _, p = K.jacobian_case(3, 3, seed, 1.0, bias).args
            a = x_t @ p["W_x"] + h_prev @ p["W_h"] + p["b"]
            out.append(1 / (1 + np.exp(-a[3:6])))
        return np.concatenate(out)

    assert np.percentile(forget_gates(1.0), 10) < 0.5 < 0.95 < np.percentile(forget_gates(5.0), 10)


def test_item_2_the_reset_conventions_agree_when_r_is_uniform_so_always_at_h_1():
    text = " ".join(section("5.2").split())
    assert "agree only when" not in text and "always when $H = 1$" in text
    pytorch = partial(M.gru.gru_forward, reset="after")
    one = gru_case(3, N=2, T=4, D=3, H=1)
    np.testing.assert_allclose(pytorch(one["x"], one["h0"], one["params"]), GRU.gru_forward(one["x"], one["h0"],
                                                                                             one["params"]))
    two = gru_case(3, N=2, T=4, D=3, H=2)
    assert not np.allclose(pytorch(two["x"], two["h0"], two["params"]), two["h"])


def test_item_3_dc0_does_not_depend_on_c0_given_the_states_but_dx_dh0_and_the_weights_do():
    text = " ".join(section("3.3").split())
    assert "$dc_0$ itself does not depend on $c_0$" in text
    case = lstm_case(4, N=2, T=3, D=3, H=2)
    args = (case["dh"], case["dc"], case["x"], case["h0"])
    dx, dh0, dc0, grads = LSTM.lstm_backward(*args, case["c0"], case["h"], case["c"], case["params"])
    dx_, dh0_, dc0_, grads_ = LSTM.lstm_backward(*args, np.zeros_like(case["c0"]), case["h"], case["c"],
                                                 case["params"])
    np.testing.assert_array_equal(dc0, dc0_)
    assert not np.allclose(dx, dx_) and not np.allclose(dh0, dh0_) and not np.allclose(grads["W_h"], grads_["W_h"])


def test_item_9_a_loss_reaches_back_less_than_k_steps():
    """k = 3: the loss at step 6 (dh on h_6 only) reaches x_4..x_6, not x_3 (k steps earlier)."""
    assert "an input $k$ or more steps earlier" in " ".join(section("6.3").split())
    case = rnn_case(5, N=1, T=6, D=2, H=3, O=2)
    dh, dy = np.zeros_like(case["dh"]), np.zeros_like(case["dy"])
    dh[:, 5] = 1.0
    dx, _, _ = TRUNC.rnn_backward_truncated(dh, dy, case["x"], case["h0"], case["h"], case["params"], 3)
    assert np.all(dx[:, :3] == 0) and np.all(np.abs(dx[:, 3:]).sum(axis=-1) > 0)


def test_item_10_the_powers_compared_are_over_the_same_100_steps():
    text = " ".join(section("4.2").split())
    assert "0.9^{50}" not in text and "0.9^{100} \\approx 2.7 \\times 10^{-5}" in text
    assert round(0.99 ** 100, 2) == 0.37 and round(0.9 ** 100 * 1e5, 1) == 2.7


def test_item_11_the_deck_003_sentence_is_marked_as_a_paraphrase():
    contract = (REPO_ROOT / "docs" / "contracts" / "gated_rnn.md").read_text(encoding="utf-8")
    for text in (HANDOUT, contract):
        flat = " ".join(text.split())
        assert not re.search(r'"\$?C_t\$? is updated by an addition', flat)
        assert all("paraphrase" in flat[max(0, m.start() - 60):m.start()]
                   for m in re.finditer(r"C_t\$? is updated by an addition", flat))
