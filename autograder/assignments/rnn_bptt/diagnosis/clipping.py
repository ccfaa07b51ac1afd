"""Misconceptions about clipping.py: clip_grad_norm (handout §7).

clip() is the reference with switches (no switch: the reference's answers, checked by
tests/test_diagnosis.py); each model entry sets one.
"""
from __future__ import annotations

from functools import partial

import numpy as np

from autograder.diagnosis import detectors as D
from autograder.diagnosis.registry import mistake

NORMS = {
    "l2": lambda gs: np.sqrt(sum(np.sum(g * g) for g in gs)),
    "l1": lambda gs: sum(np.sum(np.abs(g)) for g in gs),
    "max": lambda gs: max(np.max(np.abs(g)) for g in gs),
    "sum_of_l2": lambda gs: sum(np.sqrt(np.sum(g * g)) for g in gs),
    "spectral": lambda gs: np.sqrt(sum(np.linalg.norm(g, 2) ** 2 for g in gs)),   # ord=2 of a matrix
}


def clip(grads, max_norm, *, norm="l2", mode="global", scale_by="norm", report="norm", always=False,
         guard_zero=True):
    """mode: "global", "per_tensor" (each array by its own norm) or "elementwise" (np.clip);
    scale_by / report: the norm ("norm") or its square ("squared") in the factor / as total_norm
    (report="after": the norm after clipping); always: factor max_norm / norm even below it;
    guard_zero: no division when the norm is 0."""
    if not max_norm > 0:
        raise ValueError("max_norm must be positive")
    gs = {k: np.asarray(g, dtype=np.float64) for k, g in grads.items()}
    total = np.float64(NORMS[norm](list(gs.values())))

    def factor(n):
        n = n * n if scale_by == "squared" else n
        if guard_zero and n == 0:
            return 1.0
        return max_norm / n if always else np.minimum(1.0, max_norm / n)

    if mode == "elementwise":
        clipped = {k: np.clip(g, -max_norm, max_norm) for k, g in gs.items()}
    elif mode == "per_tensor":
        clipped = {k: g * factor(np.float64(NORMS[norm]([g]))) for k, g in gs.items()}
    else:
        clipped = {k: g * factor(total) for k, g in gs.items()}
    reported = {"norm": total, "squared": total * total, "after": NORMS["l2"](list(clipped.values()))}[report]
    return clipped, float(reported)


C = "clip_grad_norm"
WORKING = "clip_grad_norm.above"

ENTRIES = [
    mistake("elementwise_clipping", C, "clipped", """
        Your clipping looks elementwise (np.clip(g, -max_norm, max_norm)): that changes the direction
        of the gradient and can leave its norm far above max_norm. Norm clipping multiplies every
        array by the same factor min(1, max_norm / total_norm) (handout §7).""",
            model=partial(clip, mode="elementwise")),
    mistake("per_tensor_clipping", C, "clipped", """
        Your clipping seems to scale each array by its own norm. The norm is global, over all arrays
        together, and every array gets the same factor min(1, max_norm / total_norm), so that the
        direction of the whole gradient is kept (handout §7).""",
            model=partial(clip, mode="per_tensor")),
    mistake("rescales_small_gradients", C, ("below_threshold", "zero_gradient"), """
        Your clipping seems to rescale every gradient to norm max_norm, also those already below it
        (which get scaled up; for an all-zero gradient max_norm / 0 is inf, and 0 * inf = nan). The
        factor is min(1, max_norm / total_norm): below the threshold clipping changes nothing
        (handout §7).""",
            model=partial(clip, always=True, guard_zero=False), variant="unguarded"),
    mistake("rescales_small_gradients", C, "below_threshold", """
        Your clipping seems to rescale every gradient to norm max_norm, also those already below it,
        which get scaled up. The factor is min(1, max_norm / total_norm): below the threshold
        clipping changes nothing (handout §7).""",
            model=partial(clip, always=True), variant="guarded"),
    mistake("squared_norm", C, ("total_norm", "clipped", "below_threshold"), """
        Your norm looks squared: the sum of the squared entries, without the square root. The global
        L2 norm is sqrt(sum over all arrays of sum(g**2)), and the factor is
        min(1, max_norm / that norm) (handout §7).""",
            model=partial(clip, scale_by="squared", report="squared"), variant="reported and used"),
    mistake("squared_norm", C, ("total_norm", "below_threshold"), """
        Your total_norm looks squared (the sum of squared entries, without the square root), although
        your clipping itself is right: return the norm, sqrt(sum of all squared entries)
        (handout §7).""",
            model=partial(clip, report="squared"), variant="reported"),
    mistake("squared_norm", C, ("clipped", "below_threshold"), """
        Your clipping factor seems to use the squared norm, max_norm / ||g||**2, although your
        total_norm is right: the factor is min(1, max_norm / ||g||) (handout §7).""",
            model=partial(clip, scale_by="squared"), variant="used"),
    *[mistake("wrong_norm", C, ("total_norm", "clipped", "below_threshold"), f"""
        Your total norm looks like {label}. Clipping uses the global L2 norm,
        sqrt(sum over all arrays of sum(g**2)): all the entries of all the arrays as one long vector
        (handout §7).""",
              model=partial(clip, norm=name), variant=name)
      for name, label in (("l1", "the L1 norm (the sum of absolute values)"),
                          ("max", "the largest absolute entry (the max norm)"),
                          ("sum_of_l2", "the sum of the arrays' separate L2 norms"),
                          ("spectral", "it uses np.linalg.norm(g, 2), which for a 2-D array is the spectral "
                                       "norm, not the L2 norm of its entries"))],
    mistake("norm_after_clipping", C, "total_norm", """
        Your total_norm looks like the norm after clipping (never above max_norm). It should be the
        global norm before clipping, which tells the caller how large the gradient was (handout §7).""",
            model=partial(clip, report="after")),
    mistake("zero_norm_division", C, "zero_gradient", """
        With an all-zero gradient your clipping divides by a zero norm (a RuntimeWarning, nan or a
        ZeroDivisionError). When the norm is 0 there is nothing to scale: compute max_norm / norm
        only when norm > max_norm, and return the zeros as they are (handout §7).""",
            detector=D.divides_by_zero("clip_grad_norm.zero", WORKING)),
    mistake("missing_validation", C, "validation", """
        Your clip_grad_norm accepts max_norm <= 0. Such a threshold is meaningless (it would zero or
        flip the gradient): raise ValueError, e.g. if max_norm <= 0: raise ValueError("...")
        (handout §7).""",
            detector=D.accepts_invalid("clip_grad_norm.invalid", WORKING)),
    mistake("wrong_exception_type", C, "validation", """
        Your clip_grad_norm rejects max_norm <= 0, but not with ValueError (an assert gives
        AssertionError, and asserts can be switched off). Raise ValueError explicitly
        (handout §7).""",
            detector=D.raises_other_than("ValueError", "clip_grad_norm.invalid", WORKING)),
    mistake("mutates_input", C, "inputs", """
        Your clip_grad_norm changes the gradients it was given (e.g. g *= scale, or grads[k] = ... on
        the input dict). Return a new dict of new arrays and leave the input as it was
        (handout §7).""",
            detector=D.modifies_input()),
]
