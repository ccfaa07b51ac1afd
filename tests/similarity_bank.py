"""A bank of disguised copies for the similarity check, made from independently written solutions.

Each disguise takes a submission (relative path -> source text) and returns the copy a student
might hand in after copying it and trying to hide that: renamed identifiers, reordered
functions, comments and docstrings changed or removed, whitespace and blank lines, a notebook
instead of files, dead code, helpers split or merged, code moved into a helper module, and all of
them at once. The copies are valid Python (tests/test_similarity.py parses every one).
"""
from __future__ import annotations

import ast
import hashlib
import io
import json
import keyword
import tokenize
from pathlib import Path

from autograder.assignment import load

ROOT = Path(__file__).resolve().parents[1]

# Independently written solutions, correct and buggy (not derived from one another).
SOURCES = {
    "rnn_bptt": {
        "loops": "tests/correct_variants/loops",
        "vectorised": "tests/correct_variants/vectorised",
        "fixture_loops": "tests/diagnosis_fixtures/correct_loops",
        "fixture_vectorised": "tests/diagnosis_fixtures/correct_vectorised",
        "bugs_a": "tests/diagnosis_fixtures/bugs_a",
        "bugs_b": "tests/diagnosis_fixtures/bugs_b",
        "sample_buggy": "reference/rnn_bptt/samples/buggy",
        "reference": "reference/rnn_bptt/solution",
        "compact": "tests/similarity_sources/rnn_bptt/compact",
    },
    "gated_rnn": {
        "reference": "reference/gated_rnn/solution",
        "cs231n_steps": "tests/gated_rnn/correct_variants/cs231n_steps",
        "sample_buggy": "reference/gated_rnn/samples/buggy",
        "stacked": "tests/similarity_sources/gated_rnn/stacked",
    },
}
STUBS = {"rnn_bptt": "assignments/rnn_bptt", "gated_rnn": "assignments/gated_rnn"}


def read(folder: str) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / folder).glob("*.py"))}


def _graded(assignment: str) -> set[str]:
    return {f.name for f in load(assignment).functions}


def _new_name(name: str) -> str:
    return "q" + hashlib.sha256(name.encode()).hexdigest()[:6]


# ---- the disguises ------------------------------------------------------------------------------
def rename(files: dict[str, str], assignment: str) -> dict[str, str]:
    """Every variable, argument and helper function renamed (the graded functions keep their names
    and parameters: the grader calls them); `import numpy as np` becomes `import numpy as qXXXXXX`."""
    graded = _graded(assignment)
    out = {}
    for rel, source in files.items():
        tree = ast.parse(source)
        keep = graded | {"self"} | {a.arg for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name in graded
                                    for a in n.args.args + n.args.kwonlyargs}
        bound: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                bound.add(node.id)
            elif isinstance(node, ast.arg):
                bound.add(node.arg)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                bound.add(node.name)
            elif isinstance(node, ast.alias) and node.asname:
                bound.add(node.asname)
        mapping = {n: _new_name(n) for n in bound - keep if not keyword.iskeyword(n)}
        out[rel] = _replace_names(source, mapping)
    return out


def _replace_names(source: str, mapping: dict[str, str]) -> str:
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    lines = source.splitlines(keepends=True)
    edits = []
    depth, in_params, prev = 0, False, None
    for i, tok in enumerate(tokens):
        if tok.type == tokenize.OP and tok.string in "([{":
            depth += 1
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth -= 1
            if depth == 0:
                in_params = False
        if tok.type == tokenize.NAME and tok.string in mapping:
            after = tokens[i + 1] if i + 1 < len(tokens) else None
            is_keyword_arg = depth > 0 and not in_params and after is not None and after.string == "="
            if not (prev is not None and prev.string == ".") and not is_keyword_arg:
                edits.append((tok.start, tok.end, mapping[tok.string]))
        if tok.type == tokenize.NAME and tok.string == "def":
            in_params = True
        if tok.type not in (tokenize.NL, tokenize.COMMENT):
            prev = tok
    for (row, col), (_, end), new in reversed(edits):
        line = lines[row - 1]
        lines[row - 1] = line[:col] + new + line[end:]
    return "".join(lines)


def reorder(files: dict[str, str], assignment: str) -> dict[str, str]:
    """The top-level functions of every file in reverse order (imports first)."""
    out = {}
    for rel, source in files.items():
        tree = ast.parse(source)
        lines = source.splitlines(keepends=True)
        head, chunks = [], []
        for node in tree.body:
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            text = "".join(lines[first - 1:node.end_lineno])
            (chunks if isinstance(node, (ast.FunctionDef, ast.ClassDef)) else head).append(text)
        out[rel] = "".join(head) + "\n\n" + "\n\n".join(reversed(chunks))
    return out


def recomment(files: dict[str, str], assignment: str) -> dict[str, str]:
    """Docstrings and comments removed, other comments written in their place."""
    out = {}
    for rel, source in files.items():
        tree = ast.parse(source)
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and \
                    isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
                body[0] = ast.Expr(ast.Constant("my own implementation, written from the lecture notes"))
        text = ast.unparse(tree)
        out[rel] = "\n".join(line + ("  # step" if line.strip().startswith(("for ", "return")) else "")
                             for line in text.splitlines()) + "\n"
    return out


def respace(files: dict[str, str], assignment: str) -> dict[str, str]:
    """Layout changed: a blank line after every statement, tabs for indents, spaces inside brackets
    and before commas (strings untouched)."""
    out = {}
    for rel, source in files.items():
        text = ast.unparse(ast.parse(source))
        spaced = []
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            spaced.append((tok.type, tok.string + " " if tok.type == tokenize.OP and tok.string in "([{" else
                           " " + tok.string if tok.type == tokenize.OP and tok.string in ")]},"
                           else tok.string))
        text = tokenize.untokenize(spaced)
        lines = []
        for line in text.splitlines():
            body = line.lstrip(" ")
            lines += ["\t" * ((len(line) - len(body)) // 4) + body, ""]
        out[rel] = "\n".join(lines) + "\n"
    return out


def notebook(files: dict[str, str], assignment: str) -> dict[str, str]:
    """The same code as one Jupyter notebook: a Markdown cell, then one code cell per top-level
    statement of every file (imports repeated in each file's first cell)."""
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# My assignment\n"]}]
    for _rel, source in sorted(files.items()):
        tree = ast.parse(source)
        lines = source.splitlines(keepends=True)
        for node in tree.body:
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                continue
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            cells.append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                          "source": "".join(lines[first - 1:node.end_lineno]).splitlines(keepends=True)})
    nb = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                      "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    return {"submission.ipynb": json.dumps(nb, indent=1)}


DEAD = '''

def _unused_helper(values, scale=2.0):
    """Kept from an earlier attempt."""
    total = 0.0
    for v in values:
        total = total + v * scale
    if total > 1e9:
        print("large", total)
    return total / max(1, len(values))
'''


def dead_code(files: dict[str, str], assignment: str) -> dict[str, str]:
    """An unused function in every file, an unused variable and an `if False:` block in every function."""
    out = {}
    for rel, source in files.items():
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                node.body[:0] = ast.parse("debug_flag = 0\nif False:\n    print('checking', debug_flag)").body
        out[rel] = ast.unparse(tree) + "\n" + DEAD
    return out


def helper_module(files: dict[str, str], assignment: str) -> dict[str, str]:
    """Every function moved into mylib.py (a graded one as impl_<name>); the graded files keep a
    one-line wrapper of each graded function that calls mylib."""
    graded = _graded(assignment)
    imports, lib, out = {"import numpy as np"}, [], {}
    for rel, source in sorted(files.items()):
        tree = ast.parse(source)
        kept = []
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                lib.append(node)
                if node.name in graded:
                    params = ", ".join(a.arg for a in node.args.args)
                    wrapper = f"def {node.name}({ast.unparse(node.args)}):\n    return mylib.impl_{node.name}({params})"
                    kept.append(ast.parse(wrapper).body[0])
            else:
                kept.append(node)
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    imports.add(ast.unparse(node))
                elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                    lib.insert(0, node)          # a module constant the functions read
        out[rel] = "import mylib\n" + ast.unparse(ast.Module(kept, [])) + "\n"
    for node in lib:
        for n in ast.walk(node):
            if isinstance(n, ast.Name) and n.id in graded:
                n.id = f"impl_{n.id}"
            elif isinstance(n, ast.FunctionDef) and n.name in graded:
                n.name = f"impl_{n.name}"
    out["mylib.py"] = "\n".join(sorted(imports)) + "\n\n\n" + "\n\n\n".join(ast.unparse(n) for n in lib) + "\n"
    return out


def _function_source(source: str, name: str) -> str:
    tree = ast.parse(source)
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)
    return ast.get_source_segment(source, node)


def split_helpers(files: dict[str, str], assignment: str) -> dict[str, str]:
    """Every graded function of two statements or more split in two: its first half becomes a
    helper that returns the local variables the second half needs."""
    graded = _graded(assignment)
    out = {}
    for rel, source in files.items():
        tree = ast.parse(source)
        new_body = []
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name in graded and len(node.body) >= 3:
                half = len(node.body) // 2
                first, second = node.body[:half], node.body[half:]
                read = {n.id for s in second for n in ast.walk(s) if isinstance(n, ast.Name)}
                stored = sorted({n.id for s in first for n in _walk_outside_comprehensions(s)
                                 if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)} & read)
                names = ", ".join(stored) if stored else "None"
                params = ", ".join(a.arg for a in node.args.args)
                helper = ast.parse(f"def _part_{node.name}({ast.unparse(node.args)}):\n    pass\n"
                                   f"    return {names},").body[0]
                helper.body = first + [helper.body[1]]
                call = ast.parse(f"{names + ',' if stored else '_'} = _part_{node.name}({params})").body[0]
                node.body = [call] + second
                new_body += [helper, node]
            else:
                new_body.append(node)
        out[rel] = ast.unparse(ast.Module(new_body, [])) + "\n"
    return out


def _walk_outside_comprehensions(node: ast.AST):
    """ast.walk, without entering comprehensions (their variables are their own)."""
    todo = [node]
    while todo:
        n = todo.pop()
        yield n
        todo += [c for c in ast.iter_child_nodes(n)
                 if not isinstance(c, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp))]


def merge_helpers(files: dict[str, str], assignment: str) -> dict[str, str]:
    """Every call of a helper the file defines (one that is not graded) replaced by the helper's
    code: `y = helper(a, b)` becomes the helper's statements with its arguments assigned first;
    the helper itself is then deleted when nothing calls it any more."""
    graded = _graded(assignment)
    out = {}
    for rel, source in files.items():
        tree = ast.parse(source)
        helpers = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name not in graded
                   and isinstance(n.body[-1], ast.Return) and not any(isinstance(s, ast.Return)
                                                                     for b in n.body[:-1] for s in ast.walk(b))
                   and not n.args.defaults and not n.args.vararg and not n.args.kwarg}
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or node.name not in graded:
                continue
            node.body = _inline_calls(node.body, helpers)
        used = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        tree.body = [n for n in tree.body if not (isinstance(n, ast.FunctionDef) and n.name in helpers
                                                  and n.name not in used)]
        out[rel] = ast.unparse(ast.fix_missing_locations(tree)) + "\n"
    return out


def _inline_calls(body: list[ast.stmt], helpers: dict[str, ast.FunctionDef]) -> list[ast.stmt]:
    out: list[ast.stmt] = []
    for stmt in body:
        for attr in ("body", "orelse"):
            inner = getattr(stmt, attr, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                setattr(stmt, attr, _inline_calls(inner, helpers))
        call = stmt.value if isinstance(stmt, (ast.Assign, ast.Return)) else None
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in helpers \
                and not call.keywords and len(call.args) == len(helpers[call.func.id].args.args):
            helper = _renamed_apart(helpers[call.func.id])
            for param, arg in zip(helper.args.args, call.args):
                out.append(ast.Assign([ast.Name(param.arg, ast.Store())], arg, lineno=0))
            out += helper.body[:-1]
            stmt.value = helper.body[-1].value
        out.append(stmt)
    return out


def _renamed_apart(helper: ast.FunctionDef) -> ast.FunctionDef:
    """A copy of HELPER whose parameters and local variables end in _<helper>, so that its body
    can stand in the caller's without clobbering the caller's variables."""
    copy = ast.parse(ast.unparse(helper)).body[0]
    local = {a.arg for a in copy.args.args} | {n.id for n in ast.walk(copy)
                                               if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    for n in ast.walk(copy):
        if isinstance(n, ast.Name) and n.id in local:
            n.id = f"{n.id}_{helper.name.strip('_')}"
        elif isinstance(n, ast.arg) and n.arg in local:
            n.arg = f"{n.arg}_{helper.name.strip('_')}"
    return copy


def everything(files: dict[str, str], assignment: str) -> dict[str, str]:
    """All of the disguises above, one after another (the notebook last)."""
    for step in (merge_helpers, split_helpers, dead_code, rename, reorder, recomment, respace):
        files = step(files, assignment)
    return notebook(files, assignment)


DISGUISES = {f.__name__: f for f in (rename, reorder, recomment, respace, notebook, dead_code, helper_module,
                                     split_helpers, merge_helpers, everything)}


def write(files: dict[str, str], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        (folder / rel).write_text(text, encoding="utf-8")
    return folder
