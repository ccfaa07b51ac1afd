"""The student contract of SPEC.md as data: files, functions, signatures, output shapes, helpers.

Everything else in the grader refers to functions by the names defined here.
"""
from __future__ import annotations

from dataclasses import dataclass

PARAM_KEYS = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")

ARRAY = {"kind": "array"}
SCALAR = {"kind": "scalar"}
STRING = {"kind": "str"}


def tuple_of(**items: dict) -> dict:
    return {"kind": "tuple", "names": list(items), "items": list(items.values())}


def dict_of(keys: tuple[str, ...]) -> dict:
    return {"kind": "dict", "keys": list(keys), "items": [ARRAY] * len(keys)}


@dataclass(frozen=True)
class StudentFunction:
    name: str
    module: str                 # file stem in the submission's top folder
    signature: str              # as the handout and stubs print it
    schema: dict                # the structure of the answer (see sandbox/worker.py)
    helper: str | None = None   # a function of the same module it may build on (SPEC)

    @property
    def filename(self) -> str:
        return f"{self.module}.py"


FUNCTIONS: tuple[StudentFunction, ...] = (
    StudentFunction("sigmoid", "activations", "sigmoid(x)", ARRAY),
    StudentFunction("sigmoid_derivative", "activations", "sigmoid_derivative(x)", ARRAY, helper="sigmoid"),
    StudentFunction("tanh_derivative", "activations", "tanh_derivative(x)", ARRAY),
    StudentFunction("rnn_forward", "rnn", "rnn_forward(x, h0, params) -> (h, y)", tuple_of(h=ARRAY, y=ARRAY)),
    StudentFunction("rnn_backward", "rnn", "rnn_backward(dh, dy, x, h0, h, params) -> (dx, dh0, grads)",
                    tuple_of(dx=ARRAY, dh0=ARRAY, grads=dict_of(PARAM_KEYS))),
    StudentFunction("hidden_jacobian", "jacobian", 'hidden_jacobian(h_t, W_hh, activation="tanh")', ARRAY),
    StudentFunction("jacobian_through_time", "jacobian",
                    'jacobian_through_time(hs, W_hh, k, t, activation="tanh")', ARRAY, helper="hidden_jacobian"),
    StudentFunction("gradient_bound", "jacobian", 'gradient_bound(W_hh, steps, activation="tanh")', SCALAR),
    StudentFunction("classify_gradient_regime", "jacobian", 'classify_gradient_regime(W_hh, activation="tanh")',
                    STRING, helper="gradient_bound"),
    StudentFunction("clip_grad_norm", "clipping", "clip_grad_norm(grads, max_norm) -> (clipped, total_norm)",
                    tuple_of(clipped=dict_of(PARAM_KEYS), total_norm=SCALAR)),
)

BY_NAME = {f.name: f for f in FUNCTIONS}
MODULES: tuple[str, ...] = tuple(dict.fromkeys(f.module for f in FUNCTIONS))


def functions_in(module: str) -> list[StudentFunction]:
    return [f for f in FUNCTIONS if f.module == module]
