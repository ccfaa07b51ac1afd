"""The gated_rnn misconception models (autograder/assignments/gated_rnn/diagnosis/).

Each model is the reference with one switch flipped: with no switch it equals the reference
exactly; each catalogue entry changes the outputs it names in `affects`, and only those.
"""
import re
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gated_helpers import STUBS_DIR, call, gru_case, lstm_case, reference, rnn_case  # noqa: E402

from autograder.assignments.gated_rnn import diagnosis as M  # noqa: E402

MODULE = {"lstm_forward": "lstm", "lstm_backward": "lstm", "lstm_state_jacobian": "lstm",
          "gru_forward": "gru", "gru_backward": "gru", "rnn_backward_truncated": "truncated"}
SIZES = [dict(N=2, T=5, D=3, H=3), dict(N=1, T=1, D=2, H=1), dict(N=3, T=3, D=1, H=2)]
KS = (1, 2, 3, 7)


def cases(function):
    """(case, k) pairs: generic sizes, T = 1 and H = 1 included."""
    out = []
    for seed, size in enumerate(SIZES):
        if function.startswith("lstm"):
            out.append((lstm_case(seed, **size), None))
        elif function.startswith("gru"):
            out.append((gru_case(seed, **size), None))
        else:
            for k in KS:
                out.append((rnn_case(seed, T=max(size["T"], 7) if seed == 0 else size["T"], N=size["N"],
                                     D=size["D"], H=size["H"]), k))
    return out


class Shim:
    """A module-like object whose student function is a model."""

    def __init__(self, function, model):
        setattr(self, function, model)


def named_outputs(function, out, H=None):
    """The answer of a student function as {output name: array}, names as in `affects`."""
    if function == "lstm_forward":
        return {"h": out[0], "c": out[1]}
    if function == "gru_forward":
        return {"h": out}
    if function == "lstm_state_jacobian":
        H = out.shape[0] // 2
        return {"hh": out[:H, :H], "hc": out[:H, H:], "ch": out[H:, :H], "cc": out[H:, H:]}
    if function == "lstm_backward":
        return {"dx": out[0], "dh0": out[1], "dc0": out[2], **out[3]}
    return {"dx": out[0], "dh0": out[1], **out[2]}


def differing(function, a, b):
    na, nb = named_outputs(function, a), named_outputs(function, b)
    assert na.keys() == nb.keys()
    return {k for k in na if not np.allclose(na[k], nb[k], rtol=1e-9, atol=1e-11)}


@pytest.mark.parametrize("function", list(M.REFERENCE_MODELS))
def test_models_with_no_switch_equal_the_reference(function):
    ref = reference(MODULE[function])
    model = Shim(function, M.REFERENCE_MODELS[function])
    for case, k in cases(function):
        assert differing(function, call(model, function, case, k), call(ref, function, case, k)) == set()


@pytest.mark.parametrize("entry", M.MISTAKES, ids=lambda m: m.name)
def test_each_mistake_changes_its_outputs_and_only_those(entry):
    ref = reference(MODULE[entry.function])
    model = Shim(entry.function, entry.model)
    seen = set()
    for case, k in cases(entry.function):
        diff = differing(entry.function, call(model, entry.function, case, k), call(ref, entry.function, case, k))
        assert diff <= set(entry.affects), f"{entry.name} also changes {sorted(diff - set(entry.affects))}"
        seen |= diff
    assert seen, f"{entry.name} never differs from the reference on generic inputs"
    # the generic case alone (T = 7, k = 3 not dividing T, for the truncation) must show the mistake
    generic, k = next((c, k) for c, k in cases(entry.function) if k in (None, 3))
    assert differing(entry.function, call(model, entry.function, generic, k),
                     call(ref, entry.function, generic, k)), f"{entry.name} on the generic case"


def test_every_entry_is_well_formed_and_cites_a_handout_section():
    handout = (STUBS_DIR / "handout.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^#{2,3} (\d+(?:\.\d+)?)\.? ", handout, flags=re.MULTILINE))
    names = [m.name for m in M.MISTAKES]
    assert len(names) == len(set(names)), "entries sharing a code need distinct variants"
    for m in M.MISTAKES:
        assert m.function in M.REFERENCE_MODELS, m.name
        assert re.fullmatch(r"[a-z0-9_]+", m.code), m.name
        cited = re.findall(r"§(\d+(?:\.\d+)?)", m.sentence)
        assert cited and "(handout §" in m.sentence, f"{m.name}: the sentence should cite a handout section"
        for sec in cited:
            assert sec in headings, f"{m.name} cites §{sec}, which is not a heading of the handout"


def test_the_catalogue_covers_the_mistakes_the_issue_lists():
    expected = {"lstm_gate_order", "lstm_missing_cell_tanh", "lstm_no_cell_carry", "lstm_ignores_dc",
                "lstm_tanh_prime_dropped", "lstm_c0_ignored", "lstm_recurrent_grad_uses_current_state",
                "gru_reset_after_product", "gru_update_gate_swapped", "truncation_off_by_one",
                "truncation_never_detaches", "truncation_sliding_window"}
    assert expected <= M.codes()
    assert {m.variant for m in M.MISTAKES if m.code == "lstm_gate_order"} == {"ifgo", "igfo"}
    assert {m.function for m in M.MISTAKES} == set(M.REFERENCE_MODELS)


def test_a_sentence_about_some_parameter_gradients_names_each_of_them():
    """A mistake that changes a few parameter gradients only gives the right formula of each
    (issue 21, item 7: dW_hn was missing from gru_recurrent_grad_uses_current_state's)."""
    params = {"W_x", "W_h", "b", *M.common.GRU_GRADS, "W_xh", "W_hh", "b_h", "W_hy", "b_y"} - {"dx", "dh0"}
    checked = 0
    for m in M.MISTAKES:
        if set(m.affects) <= params:
            checked += 1
            missing = [k for k in m.affects if f"d{k} " not in m.sentence + " "]
            assert not missing, (m.name, missing)
    assert checked >= 4
