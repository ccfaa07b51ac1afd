"""Trusted values of a case that its judges ask for (case.meta): computed once, when first asked for,
or ahead of time while the worker runs.

A case's expected answer (the reference's), its finite differences and the like cost reference
calls. They are Lazy: an answer that never comes back (a stub, a crash) costs none, and
prepare_case computes a case's values ahead, which the pipeline does while the worker is still
running (pipeline/ahead.py), so that judging after the run has less left to do. The value is the
same whenever it is computed: it depends on the case's own arguments only.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from autograder.engine.checks import Case


class Lazy:
    """A value computed by COMPUTE the first time it is asked for (value()), then kept."""

    def __init__(self, compute: Callable[[], Any]):
        self._compute, self._done, self._value = compute, False, None

    @property
    def done(self) -> bool:
        return self._done

    def value(self) -> Any:
        if not self._done:
            self._value, self._done = self._compute(), True
            self._compute = None        # nor does it keep what it was computed from (a case's inputs)
        return self._value

    def prepare(self) -> None:
        """Compute it now. A computation that raises is left undone: the judge that asks meets the
        same error then, as it would have without this."""
        try:
            self.value()
        except Exception:  # noqa: BLE001 - see above
            pass


class Expected(Lazy):
    """Named arrays, e.g. the reference's answer to one case as {output name: array}."""

    def __getitem__(self, name: str) -> np.ndarray:
        return self.value()[name]


class ReferenceCall(Expected):
    """Expected from one call of the reference on the case's own arguments (CALL), named by NAMES.
    Its raw answer is also what grade.reference_leaves asks for (the realistic-size gates), so the
    reference runs once per case and one copy of its answer is kept."""

    def __init__(self, call: Callable[[], Any], names: Callable[[Any], dict[str, np.ndarray]]):
        self._answer = Lazy(call)
        super().__init__(lambda: names(self._answer.value()))

    def reference_answer(self) -> Any:
        return self._answer.value()


def prepare_case(case: Case) -> None:
    """Compute every Lazy value of CASE's meta now (see the module's docstring)."""
    for value in case.meta.values():
        if isinstance(value, Lazy):
            value.prepare()
