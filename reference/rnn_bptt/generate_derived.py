"""Print the sympy derivations of reference/rnn_bptt/derivations.py as plain NumPy code:
autograder/assignments/rnn_bptt/derived.py.

Usage: python reference/rnn_bptt/generate_derived.py [--output PATH]

The grader judges sigmoid_derivative, tanh_derivative, hidden_jacobian and rnn_backward against
these functions at grade time (autograder/assignments/rnn_bptt/checks/symbolic.py) without
importing sympy. Every
expression is derived by sympy and printed by sympy's NumPyPrinter after common-subexpression
elimination (sp.cse); only the def lines, docstrings, array conversions and return containers are
written here. tests/test_derived_fresh.py regenerates the module and fails when the committed one
is stale: rerun this script after changing derivations.py or BPTT_SIZES.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import sympy as sp
from sympy.printing.numpy import NumPyPrinter

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import derivations as D  # noqa: E402

OUTPUT = HERE.parents[1] / "autograder" / "assignments" / "rnn_bptt" / "derived.py"

# (T, D, H, O) of the cases of the probe rnn_backward.finite_differences
# (autograder/assignments/rnn_bptt/checks/rnn.py);
# the batch size N is free.
BPTT_SIZES = ((3, 2, 3, 2), (4, 3, 2, 1))

HEADER = '''"""GENERATED FILE: do not edit. Printed by reference/rnn_bptt/generate_derived.py (sympy {version})
from the derivations in reference/rnn_bptt/derivations.py; regenerate with
`python reference/rnn_bptt/generate_derived.py`
(tests/test_derived_fresh.py fails when this file is stale).

Plain NumPy functions whose every formula was derived by sympy: the activation derivatives
(overflow-free forms, exact relative to their size), one entry J[i, j] of the one-step Jacobian
d h_t / d h_(t-1) for any H, and the BPTT gradients of L = sum(dh * h) + sum(dy * y) for an
unrolled sequence of the sizes in RNN_BACKWARD (evaluated on a whole batch at once).
checks/symbolic.py (beside this file) judges submissions with them; they share no code with the
reference solution.
"""
# ruff: noqa: E501
import numpy

'''


def _printer() -> NumPyPrinter:
    return NumPyPrinter({"fully_qualified_modules": True})


def _body(exprs: list[sp.Expr], ret: str) -> list[str]:
    """Lines computing exprs after cse (temporaries c0, c1, ...); ret formats the printed results."""
    p = _printer()
    temps, reduced = sp.cse(exprs, symbols=sp.numbered_symbols("c"))
    lines = [f"    {name} = {p.doprint(value)}" for name, value in temps]
    lines.append("    return " + ret.format(*(p.doprint(e) for e in reduced)))
    return lines


def _function(signature: str, doc: str, prelude: list[str], body: list[str]) -> str:
    return "\n".join([f"def {signature}:", f'    """{doc}"""', *[f"    {line}" for line in prelude], *body]) + "\n"


# ---- (a) activation derivatives -------------------------------------------------------------
def activation_derivative_code(name: str) -> str:
    expr = D.safe_activation_derivative(name)
    (x,) = expr.free_symbols
    doc = {"sigmoid": "d sigma / dx", "tanh": "d tanh / dx"}[name]
    return _function(f"{name}_derivative({x})",
                     f"{doc} at the pre-activation x (any shape -> same shape), from {sp.sstr(expr)}.",
                     [f"{x} = numpy.asarray({x}, dtype=numpy.float64)"], _body([expr], "{0}"))


# ---- (b) one-step Jacobian, any H -------------------------------------------------------------
def jacobian_code(activation: str) -> tuple[str, str]:
    entry, sym = D.jacobian_entry(activation)
    h_t, W, i, j = sym["h_t"], sym["W_hh"], sym["i"], sym["j"]
    code = _function(
        f"hidden_jacobian_{activation}({h_t}, {W})",
        f"J = d h_t / d h_(t-1) for h_t = {activation}(x_t W_xh + h_(t-1) W_hh + b_h): h_t (H,), W_hh (H, H) "
        f"-> (H, H), J[{i}, {j}] = {sp.sstr(entry)}.",
        [f"{h_t} = numpy.asarray({h_t}, dtype=numpy.float64)", f"{W} = numpy.asarray({W}, dtype=numpy.float64)",
         f"{i}, {j} = numpy.indices({W}.shape)  # every entry J[{i}, {j}] at once"],
        _body([entry], "{0}"))
    return code, sp.sstr(entry)


# ---- (c) BPTT of the unrolled RNN -------------------------------------------------------------
BATCHED = ("x", "h0", "dh", "dy")      # arrays with the batch axis first; the derivation is of one sequence


def _as_arrays(model: dict) -> dict[sp.Symbol, sp.Indexed]:
    """Each scalar symbol of derivations.unrolled_rnn (one sequence) -> the array entry it stands for.

    Parameters keep their indices (W_hh[i, j], b_h[j]); batched arrays lose the sequence index,
    x_0_t_d -> x[t, d], and are passed with the batch axis moved last, so that x[t, d] is the (N,)
    column of all sequences.
    """
    out = {}
    for name, M in model["params"].items():
        base = sp.IndexedBase(name)
        for r in range(M.rows):
            for c in range(M.cols):
                out[M[r, c]] = base[c] if name in ("b_h", "b_y") else base[r, c]
    for name in ("x", "dh", "dy"):
        base = sp.IndexedBase(name)
        for t, row in enumerate(model[name][0]):
            out.update({s: base[t, k] for k, s in enumerate(row)})
    out.update({s: sp.IndexedBase("h0")[k] for k, s in enumerate(model["h0"][0])})
    return out


def bptt_code(sizes: tuple[int, ...]) -> tuple[str, str]:
    """sizes = (T, D, H, O). The gradients of one sequence, evaluated on a batch of any size N.

    L = sum_n L_n, where L_n involves only sequence n and the shared parameters: the parameter
    gradients are the sums over n of one sequence's, dx[n] and dh0[n] are sequence n's own.
    """
    T, Dx, H, O = sizes
    model, wrt, grads = D.bptt_gradients(1, T, Dx, H, O)
    arrays = _as_arrays(model)
    grads = [g.xreplace(arrays) for g in grads]
    batched = [sp.IndexedBase(k) for k in BATCHED]
    assert all(g.has(*batched) for g in grads), "a gradient without batch data would not be an (N,) column"
    shapes = {"W_xh": (Dx, H), "W_hh": (H, H), "b_h": (H,), "W_hy": (H, O), "b_y": (O,), "dx": (T, Dx), "dh0": (H,)}
    fields, start = [], 0
    for key in (*D.PARAM_NAMES, "dx", "dh0"):
        n = sp.prod(shapes[key])
        column = "numpy.array([" + ", ".join(f"{{{k}}}" for k in range(start, start + n)) + "])"
        if key in D.PARAM_NAMES:
            fields.append(f"{key!r}: {column}.sum(axis=-1).reshape({shapes[key]})")
        else:
            fields.append(f"{key!r}: numpy.moveaxis({column}.reshape({(*shapes[key], -1)}), -1, 0)")
        start += n
    assert start == len(wrt)
    name = "rnn_backward_" + "_".join(map(str, sizes))
    used = {str(b) for g in grads for b in g.atoms(sp.IndexedBase)}      # b_y is in no gradient
    prelude = [f"{k} = numpy.asarray(params[{k!r}], dtype=numpy.float64)" for k in D.PARAM_NAMES if k in used]
    prelude += [f"{k} = numpy.moveaxis(numpy.asarray({k}, dtype=numpy.float64), 0, -1)  # batch axis last"
                for k in ("dh", "dy", "x", "h0") if k in used]
    code = _function(
        f"{name}(dh, dy, x, h0, params)",
        f"Gradients of L = sum(dh * h) + sum(dy * y) for T={T}, D={Dx}, H={H}, O={O} and any N, by sp.diff of one "
        "unrolled sequence (parameter gradients summed over the batch): "
        "{'W_xh', 'W_hh', 'b_h', 'W_hy', 'b_y', 'dx', 'dh0'} -> arrays.",
        prelude, _body(grads, "{{" + ", ".join(fields) + "}}"))
    return code, name


def generate() -> str:
    """The text of autograder/assignments/rnn_bptt/derived.py."""
    parts = [HEADER.format(version=sp.__version__)]
    parts += [activation_derivative_code("sigmoid"), "", activation_derivative_code("tanh"), ""]
    entries = {}
    for activation in D.ACTIVATIONS:
        code, entries[activation] = jacobian_code(activation)
        parts += [code, ""]
    parts.append("HIDDEN_JACOBIAN = {" + ", ".join(f"{a!r}: hidden_jacobian_{a}" for a in D.ACTIVATIONS) + "}")
    parts.append("JACOBIAN_ENTRY = {" + ", ".join(f"{a!r}: {e!r}" for a, e in entries.items()) + "}\n\n")
    names = {}
    for sizes in BPTT_SIZES:
        code, names[sizes] = bptt_code(sizes)
        parts += [code, ""]
    parts.append("RNN_BACKWARD = {  # (T, D, H, O) -> gradients, for any batch size N\n"
                 + "".join(f"    {s}: {n},\n" for s, n in names.items()) + "}")
    return "\n".join(parts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    text = generate()
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({len(text) / 1024:.0f} kB)")


if __name__ == "__main__":
    main()
