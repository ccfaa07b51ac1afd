"""The pattern vocabulary of hidden feedback (autograder/engine/judge.py): where the wrong entries lie,
and how numbers the submission chooses (its answer's shape, counts, lengths) are said on hidden cases.

A wrong diagonal block of a Jacobian (J_cc = I instead of diag(f_t), a gate read from the wrong
quarter in J_hc) differs on the diagonal only; a Jacobian with the right diagonal and wrong
couplings differs off it. The feedback says so instead of "spread over every row and column".
"""
import numpy as np

from autograder import i18n
from autograder.assignment import load
from autograder.engine import worker_text
from autograder.engine.judge import amount, compare, label_sizes, shape_mismatch, which_entries
from autograder.engine.redact import safe_problem, schema_sentences


def test_only_the_diagonal_entries_are_wrong():
    expected = np.arange(1.0, 10.0).reshape(3, 3)
    got = expected + np.diag([0.5, 0.25, 0.125])
    text = compare({"array": got}, expected, "J_cc").message
    assert "only on the diagonal (every off-diagonal entry is right)" in text
    assert "spread over" not in text


def test_only_the_off_diagonal_entries_are_wrong():
    expected = np.arange(1.0, 10.0).reshape(3, 3)
    got = expected + (1 - np.eye(3)) * 0.5
    assert "only off the diagonal (every diagonal entry is right)" in compare({"array": got}, expected, "J").message


def test_a_single_wrong_entry_is_placed_along_each_axis_not_as_the_diagonal():
    """A hidden case names no index but 0 and the last (the submission chooses which entries it gets wrong)."""
    bad = np.zeros((3, 3), dtype=bool)
    bad[1, 1] = True
    assert which_entries(bad, "J") == "the wrong entries lie only at one index of axis 0 and one index of axis 1"
    bad[1, 1], bad[0, 2] = False, True
    assert which_entries(bad, "J") == "the wrong entries lie only at index 0 of axis 0 and the last index of axis 1"


def test_entries_everywhere_are_spread():
    bad = np.ones((2, 2), dtype=bool)
    bad[0, 1] = False
    assert "spread over every row and column" in which_entries(bad, "J")


# ---- numbers the submission chooses: shapes, counts, lengths (hidden cases) --------------------------
SIZES = label_sizes("N=3, T=5, D=4, H=2, O=6")


def test_label_sizes_reads_one_letter_sizes_only():
    assert SIZES == {"N": 3, "T": 5, "D": 4, "H": 2, "O": 6}
    assert label_sizes("x = 17 points in [-8, 8], steps=3, max_norm 1.0") == {}


def test_a_hidden_shape_is_named_by_the_cases_sizes_and_helps_with_honest_mistakes():
    expected = np.zeros((3, 5, 4))
    said = {got: compare({"array": np.zeros(got)}, expected, "dx", sizes=SIZES).message
            for got in ((3, 5), (5, 3, 4), (3, 5, 4, 1), (60,), ())}
    assert said[(3, 5)] == "dx should have shape (N, T, D) = (3, 5, 4), got shape (N, T)"
    assert said[(5, 3, 4)].startswith("dx should have shape (N, T, D) = (3, 5, 4), got shape (T, N, D) (the same sizes")
    assert said[(3, 5, 4, 1)].endswith("got shape (N, T, D, 1)")
    assert said[(60,)].endswith("got shape (60,)")          # flattened: the number of entries is public
    assert said[()].endswith("got shape ()")


def test_a_hidden_shape_never_shows_a_dimension_the_submission_chose():
    expected = np.zeros((3, 5, 4))
    text = compare({"array": np.zeros((0, 488857, 15548, 7))}, expected, "dx", sizes=SIZES).message
    assert text == "dx should have shape (N, T, D) = (3, 5, 4), got shape (0, another size, another size, another size)"
    text = compare({"array": np.zeros((1,) * 9)}, expected, "dx", sizes=SIZES).message
    assert text == "dx should have shape (N, T, D) = (3, 5, 4), got an array of more than 5 dimensions"
    # sizes that share a value (T = H = 4) name nothing: numbers, and only public ones
    text = shape_mismatch("dh", (4, 2, 9), (2, 4, 4), label_sizes("N=2, T=4, D=3, H=4, O=2"))
    assert text == "dh should have shape (2, 4, 4), got shape (4, 2, another size)"
    # a worked example (visible) shows the shapes as they are
    assert shape_mismatch("dx", (0, 488857), (3, 5, 4), SIZES, visible=True) == \
        "dx should have shape (3, 5, 4), got shape (0, 488857)"


def test_counts_are_buckets_on_hidden_cases_and_exact_on_examples():
    assert [amount(k, 100) for k in (1, 9, 10, 50, 51, 100)] == [
        "one entry", "fewer than 10% of its entries", "up to half of its entries", "up to half of its entries",
        "more than half of its entries", "every entry"]
    assert amount(1, 1) == "its only entry"
    expected = np.arange(1.0, 18.0)
    got = expected.copy()
    got[4:19] += 1.0
    assert "has wrong values in more than half of its entries" in compare({"array": got}, expected, "s").message
    assert "13 of 17 entries differ" in compare({"array": got}, expected, "s", visible=True).message
    got = expected.copy()
    got[[3, 7]] = np.nan
    assert compare({"array": got}, expected, "s").message == \
        "s has non-finite values (nan) in up to half of its entries"
    assert compare({"array": got}, expected, "s", visible=True).message == "s has 2 non-finite entries (nan; e.g. s[3])"


def test_where_the_wrong_entries_lie_uses_no_index_but_0_and_the_last():
    bad = np.zeros((2, 6), dtype=bool)
    bad[:, :2] = True
    assert which_entries(bad, "dh") == "the wrong entries lie only at a run of indices of axis 1 from index 0"
    bad[:] = False
    bad[1, 3:] = True
    assert which_entries(bad, "dh") == ("the wrong entries lie only at the last index of axis 0 and a run of "
                                        "indices of axis 1 up to the last")
    bad[1, 3:] = False
    bad[0, [1, 4]] = True
    assert which_entries(bad, "dh") == "the wrong entries lie only at index 0 of axis 0 and some indices of axis 1"


def test_a_forged_worker_sentence_keeps_only_what_the_schema_says():
    """The submission can write answer records of its own: a name, count or length in the worker's
    sentences survives only as the contract's schema makes it (redact.schema_sentences)."""
    fn = load("rnn_bptt").by_name["rnn_backward"]
    allowed = schema_sentences(fn.name, fn.schema)
    generic = "the answer could not be read as numbers of the expected structure"
    honest = "rnn_backward should return a tuple of 3 items (dx, dh0, grads); it returned a tuple of 2 items"
    assert safe_problem(honest, allowed) == honest
    assert safe_problem("rnn_backward should return a tuple of 3 items (dx, dh0, grads); it returned a list of "
                        "488857 items", allowed).endswith("it returned a list of more than 5 items")
    for forged in ("rnn_backward should return a tuple of 488857 items (dx, dh0, grads); it returned None",
                   "LEAK488857 should be a dict with the keys W_xh; it is None",
                   "the key 'W_xh' is missing from the dict LEAK488857",
                   "the answer of LEAK488857 could not be read: it raised ValueError"):
        assert safe_problem(forged, allowed) == generic, forged
    assert safe_problem("expected an array of numbers, got an array of shape (3, 488857), far larger than any "
                        "expected answer", allowed) == \
        "expected an array of numbers, got an array far larger than any expected answer"


def test_an_exit_status_or_signal_the_submission_chose_is_a_bucket():
    from autograder.sandbox.runner import _exit_description

    assert _exit_description(3) == "the process exited with status 3 in the middle of a call"
    assert _exit_description(217) == "the process exited with a status above 9 in the middle of a call"
    assert _exit_description(-9) == "the process was killed by SIGKILL (memory limit?)"
    assert _exit_description(-40) == "the process was killed by a signal"


def test_the_new_wording_is_vietnamese_too():
    with i18n.language("vi"):
        assert "một kích thước khác" in shape_mismatch("dx", (0, 99999), (3, 5, 4), SIZES)
        assert worker_text.translate("expected an array of numbers, got an array far larger than any expected "
                                     "answer").startswith("cần một mảng số")
        assert "hơn 5 phần tử" in worker_text.translate(
            "rnn_backward should return a tuple of 3 items (dx, dh0, grads); it returned a list of more than 5 items")
