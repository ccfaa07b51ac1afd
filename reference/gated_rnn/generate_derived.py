"""Print the sympy derivations of reference/gated_rnn/derivations.py as plain NumPy code:
autograder/assignments/gated_rnn/derived.py.

Usage: python reference/gated_rnn/generate_derived.py [--output PATH]

The grader judges lstm_state_jacobian, lstm_backward and gru_backward against these functions at
grade time (autograder/assignments/gated_rnn/checks/symbolic.py) without importing sympy. Every
expression is derived by sympy (Matrix.jacobian of one LSTM step; sp.diff of the loss of an
unrolled LSTM or GRU) and printed by sympy's NumPyPrinter after common-subexpression elimination
(sp.cse); only the def lines, docstrings, array conversions and return containers are written
here. tests/gated_rnn/test_gated_derived_fresh.py regenerates the module and fails when the
committed one is stale: rerun this script after changing derivations.py or the sizes below.
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

OUTPUT = HERE.parents[1] / "autograder" / "assignments" / "gated_rnn" / "derived.py"

# The fixed sizes of the sympy probes (autograder/assignments/gated_rnn/checks/symbolic.py): H >= 2 and
# D != H, so that a transposed or misplaced weight, or a gate read from the wrong quarter, shows.
JACOBIAN_SIZES = ((3, 2), (2, 3))            # (D, H)
LSTM_SIZES = ((2, 3, 2), (1, 2, 3))          # (T, D, H); the batch size N is free
GRU_SIZES = ((2, 3, 2), (1, 2, 3))           # (T, D, H)

HEADER = '''"""GENERATED FILE: do not edit. Printed by reference/gated_rnn/generate_derived.py (sympy {version})
from the derivations in reference/gated_rnn/derivations.py; regenerate with
`python reference/gated_rnn/generate_derived.py`
(tests/gated_rnn/test_gated_derived_fresh.py fails when this file is stale).

Plain NumPy functions whose every formula was derived by sympy: the LSTM one-step state Jacobian
d [h_t, c_t] / d [h_(t-1), c_(t-1)] for the (D, H) in LSTM_STATE_JACOBIAN, the LSTM's BPTT
gradients of L = sum(dh * h) + sum(dc * c) and the GRU's of L = sum(dh * h) for an unrolled
sequence of the (T, D, H) in LSTM_BACKWARD and GRU_BACKWARD (evaluated on a whole batch at once).
checks/symbolic.py (beside this file) judges submissions with them; they share no code with the
reference solution.
"""
# ruff: noqa: E501
import numpy

'''


def _printer() -> NumPyPrinter:
    return NumPyPrinter({"fully_qualified_modules": True})


def _body(exprs: list[sp.Expr], ret: str) -> list[str]:
    """Lines computing exprs after cse (temporaries tmp0, tmp1, ...); ret formats the printed results."""
    p = _printer()
    temps, reduced = sp.cse(exprs, symbols=sp.numbered_symbols("tmp"))   # c0 is an input here
    lines = [f"    {name} = {p.doprint(value)}" for name, value in temps]
    lines.append("    return " + ret.format(*(p.doprint(e) for e in reduced)))
    return lines


def _function(signature: str, doc: str, prelude: list[str], body: list[str]) -> str:
    return "\n".join([f"def {signature}:", f'    """{doc}"""', *[f"    {line}" for line in prelude], *body]) + "\n"


def _param_entries(params: dict[str, sp.Matrix]) -> dict[sp.Symbol, sp.Indexed]:
    """Each parameter symbol -> its array entry: W[r, c] for matrices, b[c] for the (1, n) bias rows."""
    out = {}
    for name, M in params.items():
        base = sp.IndexedBase(name)
        for r in range(M.rows):
            for c in range(M.cols):
                out[M[r, c]] = base[c] if name.startswith("b") else base[r, c]
    return out


def _row_entries(name: str, row: sp.Matrix, *index) -> dict[sp.Symbol, sp.Indexed]:
    base = sp.IndexedBase(name)
    return {s: base[(*index, k)] for k, s in enumerate(row)}


def _prelude(keys, used: set[str], batched: tuple[str, ...]) -> list[str]:
    lines = [f"{k} = numpy.asarray(params[{k!r}], dtype=numpy.float64)" for k in keys if k in used]
    lines += [f"{k} = numpy.moveaxis(numpy.asarray({k}, dtype=numpy.float64), 0, -1)  # batch axis last"
              for k in batched if k in used]
    return lines


# ---- (a) the LSTM one-step state Jacobian -----------------------------------------------------
def jacobian_code(sizes: tuple[int, int]) -> tuple[str, str]:
    Dx, H = sizes
    s = D.lstm_one_step_jacobian(Dx, H)
    arrays = {**_param_entries(s["params"]), **_row_entries("x_t", s["x"]),
              **_row_entries("h_prev", s["h_prev"]), **_row_entries("c_prev", s["c_prev"])}
    J = s["J"].xreplace(arrays)
    entries = list(J)
    n = 2 * H
    ret = "numpy.array([" + ", ".join("[" + ", ".join(f"{{{r * n + c}}}" for c in range(n)) + "]"
                                      for r in range(n)) + "], dtype=numpy.float64)"
    used = {str(b) for e in entries for b in e.atoms(sp.IndexedBase)}
    prelude = _prelude(D.LSTM_KEYS, used, ())
    prelude += [f"{k} = numpy.asarray({k}, dtype=numpy.float64)" for k in ("x_t", "h_prev", "c_prev") if k in used]
    name = f"lstm_state_jacobian_{Dx}_{H}"
    code = _function(
        f"{name}(x_t, h_prev, c_prev, params)",
        f"J = d [h_t, c_t] / d [h_(t-1), c_(t-1)] (numerator layout) of one LSTM step for D={Dx}, H={H}: "
        "x_t (D,), h_prev (H,), c_prev (H,) -> (2H, 2H), by sympy's Matrix.jacobian.",
        prelude, _body(entries, ret))
    return code, name


# ---- (b), (c) BPTT of the unrolled LSTM and GRU -----------------------------------------------
def _backward_code(name: str, signature: str, doc: str, model: dict, keys: tuple[str, ...],
                   states: tuple[str, ...], sequences: tuple[str, ...], shapes: dict) -> str:
    """The gradients of one sequence (model of N = 1), evaluated on a batch of any size N.

    L = sum_n L_n, where L_n involves only sequence n and the shared parameters: the parameter
    gradients are the sums over n of one sequence's, dx[n] and d<state>0[n] are sequence n's own.
    Batched arrays are passed with the batch axis moved last, so that x[t, d] is the (N,) column.
    """
    arrays = _param_entries(model["params"])
    for seq in sequences:                                   # x, dh, dc: one row per step
        for t, row in enumerate(model[seq][0]):
            arrays.update(_row_entries(seq, row, t))
    for state in states:                                    # h0, c0
        arrays.update(_row_entries(state, model[state][0]))
    wrt = [v for k in keys for v in model["params"][k]] + D._flat(model["x"]) + D._flat([model[s] for s in states])
    grads = [sp.diff(model["L"], v).xreplace(arrays) for v in wrt]
    fields, start = [], 0
    for key in (*keys, "dx", *(f"d{s}" for s in states)):
        n = sp.prod(shapes[key])
        column = "numpy.array([" + ", ".join(f"{{{k}}}" for k in range(start, start + n)) + "])"
        if key in keys:
            fields.append(f"{key!r}: ({column} + numpy.zeros_like(x[0, 0])).sum(axis=-1).reshape({shapes[key]})")
        else:
            fields.append(f"{key!r}: numpy.moveaxis(({column} + numpy.zeros_like(x[0, 0])).reshape("
                          f"{(*shapes[key], -1)}), -1, 0)")
        start += n
    assert start == len(wrt)
    used = {str(b) for g in grads for b in g.atoms(sp.IndexedBase)} | {"x"}
    prelude = _prelude(keys, used, (*sequences, *states))
    return _function(signature, doc, prelude, _body(grads, "{{" + ", ".join(fields) + "}}"))


def lstm_backward_code(sizes: tuple[int, int, int]) -> tuple[str, str]:
    T, Dx, H = sizes
    model = D.unrolled_lstm(1, T, Dx, H)
    shapes = {"W_x": (Dx, 4 * H), "W_h": (H, 4 * H), "b": (4 * H,), "dx": (T, Dx), "dh0": (H,), "dc0": (H,)}
    name = "lstm_backward_" + "_".join(map(str, sizes))
    code = _backward_code(
        name, f"{name}(dh, dc, x, h0, c0, params)",
        f"Gradients of L = sum(dh * h) + sum(dc * c) for T={T}, D={Dx}, H={H} and any N, by sp.diff of one "
        "unrolled LSTM sequence (parameter gradients summed over the batch): "
        "{'W_x', 'W_h', 'b', 'dx', 'dh0', 'dc0'} -> arrays.",
        model, D.LSTM_KEYS, ("h0", "c0"), ("x", "dh", "dc"), shapes)
    return code, name


def gru_backward_code(sizes: tuple[int, int, int]) -> tuple[str, str]:
    T, Dx, H = sizes
    model = D.unrolled_gru(1, T, Dx, H)
    shapes = {"dx": (T, Dx), "dh0": (H,)}
    for gate in "rzn":
        shapes |= {f"W_x{gate}": (Dx, H), f"W_h{gate}": (H, H), f"b_{gate}": (H,)}
    name = "gru_backward_" + "_".join(map(str, sizes))
    code = _backward_code(
        name, f"{name}(dh, x, h0, params)",
        f"Gradients of L = sum(dh * h) for T={T}, D={Dx}, H={H} and any N, by sp.diff of one unrolled GRU "
        "sequence (the notes' GRU; parameter gradients summed over the batch): the nine parameter keys, "
        "'dx' and 'dh0' -> arrays.",
        model, D.GRU_KEYS, ("h0",), ("x", "dh"), shapes)
    return code, name


def _table(name: str, comment: str, names: dict) -> str:
    return f"{name} = {{  # {comment}\n" + "".join(f"    {s}: {n},\n" for s, n in names.items()) + "}"


def generate() -> str:
    """The text of autograder/assignments/gated_rnn/derived.py."""
    parts = [HEADER.format(version=sp.__version__)]
    tables = []
    for table, comment, sizes, make in (
            ("LSTM_STATE_JACOBIAN", "(D, H) -> J", JACOBIAN_SIZES, jacobian_code),
            ("LSTM_BACKWARD", "(T, D, H) -> gradients, for any batch size N", LSTM_SIZES, lstm_backward_code),
            ("GRU_BACKWARD", "(T, D, H) -> gradients, for any batch size N", GRU_SIZES, gru_backward_code)):
        names = {}
        for s in sizes:
            code, names[s] = make(s)
            parts += [code, ""]
        tables.append(_table(table, comment, names))
    parts.append("\n\n".join(tables))
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
