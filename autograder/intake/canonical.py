"""The canonical form of a staged submission: the code the worker runs, and what seeds its cases.

Hidden cases differ from one submission to the next (cases.Draw): they are seeded from a digest of
the submitted code and the course secret, so a submission cannot learn them from earlier feedback
and hard-code the answers. For that to hold, nothing a submission can read at run time may lie
outside the digest. A comment or the spacing of a line could carry a table that the code reads
back from its own file (`open(__file__)`), and a docstring from `__doc__`, so every staged file
that parses is replaced by `ast.unparse` of its syntax tree without docstrings (nor any other
statement that is a bare constant) before the worker sees it: no comments, no docstrings, no
blank lines, one spacing, LF line ends. The digest covers exactly that tree (module paths and
statements in order), so CRLF, comments, docstrings and layout change neither the cases nor
anything the worker can read, while any change to what the code can compute changes the cases.
(A notebook and the files holding the same code thus get the same cases.)

Every entry of the staged folder is in the digest, with no cap: the graded files (the
assignment's modules) first, then every other folder and file in sorted order, a file in its
canonical form where it parses and byte for byte otherwise. Staging bounds how many files there
are (submission.MAX_STAGED_FILES: a larger upload is refused there, never staged in part), so
no padding of helper files can push a graded file out of the digest.

The worker's line numbers then refer to the canonical text; `LineMap` translates them back to the
student's own file, and the code line shown in feedback is read from the student's file here, in
the trusted process (never taken from the worker). A file that does not parse (or is too deep for
the parser) is staged as it is and digested byte for byte: it cannot run, so it computes nothing.
"""
from __future__ import annotations

import ast
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class LineMap:
    """One staged file: canonical line -> the student's line, the student's lines, and which
    function each of the student's lines is in."""

    to_original: dict[int, int] = field(default_factory=dict)
    original_lines: list[str] = field(default_factory=list)
    function_at: dict[int, str] = field(default_factory=dict)
    defined: set[str] = field(default_factory=set)       # names bound at the file's top level
    imports: set[str] = field(default_factory=set)       # modules the file imports (anywhere in it)
    notebook: str = ""                                    # the notebook the file was read from, if any
    cells: dict[int, tuple[int, int]] = field(default_factory=dict)   # student's line -> (cell, line in it)

    def where(self, canonical_line: object) -> tuple[int, str, str] | None:
        """(student's line, its code, enclosing function) for a line number the worker reported."""
        if not isinstance(canonical_line, int) or isinstance(canonical_line, bool):
            return None
        line = self.to_original.get(canonical_line)
        if line is None or not 1 <= line <= len(self.original_lines):
            return None
        return line, self.original_lines[line - 1].strip()[:160], self.function_at.get(line, "")

    def in_notebook(self, line: int) -> tuple[str, int, int] | None:
        """(notebook, cell, line in the cell) of a line of a file read from a notebook, else None."""
        found = self.cells.get(line)
        return (self.notebook, *found) if found and self.notebook else None


@dataclass
class Canonical:
    digest: bytes                                   # sha256 over every staged file's canonical form
    files: dict[str, LineMap] = field(default_factory=dict)     # relative path -> its line map
    syntax_errors: dict[str, dict] = field(default_factory=dict)   # relative path -> the parser's own report
    log: list[str] = field(default_factory=list)


def canonicalise(staged_dir: Path, first: tuple[str, ...] | list[str]) -> Canonical:
    """Rewrite every parsing .py file under STAGED_DIR as ast.unparse of its tree; digest every
    folder and file there. FIRST: the graded files' relative paths (e.g. "rnn.py"), taken first
    (required: a digest computed without them is not the one grade seeds cases with)."""
    staged_dir = Path(staged_dir)
    digest = hashlib.sha256(b"rnn-autograder canonical v2\0")
    files: dict[str, LineMap] = {}
    syntax_errors: dict[str, dict] = {}
    entries = sorted((p.relative_to(staged_dir).as_posix(), p) for p in staged_dir.rglob("*"))
    graded = [(rel, staged_dir / rel) for rel in dict.fromkeys(first) if (staged_dir / rel).is_file()]
    taken = {rel for rel, _ in graded}
    rest = [(rel, p) for rel, p in entries if rel not in taken]
    for rel, path in graded + rest:
        digest.update(rel.encode("utf-8", "surrogateescape") + b"\0")
        if path.is_symlink() or not path.is_file():
            digest.update(b"folder\0" if path.is_dir() and not path.is_symlink() else b"other\0")
            continue
        raw = path.read_bytes()
        result = _canonical_text(raw) if rel.endswith(".py") else None
        if not isinstance(result, tuple):
            digest.update(b"raw\0" + hashlib.sha256(raw).digest())
            if result is not None:
                syntax_errors[rel] = result
            continue
        text, line_map = result
        digest.update(b"canonical\0" + hashlib.sha256(text.encode()).digest())
        path.write_text(text, encoding="utf-8")
        files[rel] = line_map
    return Canonical(digest.digest(), files, syntax_errors, [])


def _canonical_text(raw: bytes) -> tuple[str, LineMap] | dict | None:
    """(canonical text, line map); the SyntaxError's fields when the file does not parse; None when
    it cannot be canonicalised otherwise (too deep, or unparse does not give the same tree back).
    The text is a function of the stripped tree alone, so it is what the digest covers."""
    try:
        source = raw.decode("utf-8-sig")
        tree = ast.parse(source)
    except SyntaxError as exc:    # IndentationError and TabError included
        return {"type": type(exc).__name__, "mro": [c.__name__ for c in type(exc).__mro__],
                "message": str(exc.msg)[:400], "line": exc.lineno if isinstance(exc.lineno, int) else None,
                "code": (exc.text or "").strip()[:160]}
    except (ValueError, RecursionError, MemoryError, UnicodeDecodeError):
        return None
    try:
        nodes = list(ast.walk(tree))
        functions, imports = _functions_by_line(nodes), _imports(nodes)
        names = _top_level_names(tree)
        _strip_constants(nodes)
        text = ast.unparse(tree) + "\n"
        again = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    to_original: dict[int, int] = {}
    for new, old in zip(ast.walk(again), ast.walk(tree), strict=False):
        if type(new) is not type(old):      # unparse must give back the same tree, or we stage the original
            return None
        line, orig = getattr(new, "lineno", None), getattr(old, "lineno", None)
        if isinstance(line, int) and isinstance(orig, int):
            to_original.setdefault(line, orig)
    lines = source.splitlines()
    notebook, cells = notebook_cells(lines)
    return text, LineMap(to_original, lines, functions, names, imports, notebook, cells)


NOTEBOOK_HEADER = re.compile(r"# \w+\.py as read from (.{1,300}) \(cells [\d, ]+\): the code its functions need\.$")
CELL_MARK = re.compile(r"# cell (\d{1,6}), line (\d{1,7})$")


def notebook_cells(lines: list[str]) -> tuple[str, dict[int, tuple[int, int]]]:
    """(notebook, {line: (cell, line in the cell)}) of a module notebook_submission wrote (its header
    names the notebook; a `# cell N, line L` comment precedes each statement); ("", {}) otherwise."""
    header = next((NOTEBOOK_HEADER.match(line) for line in lines[:40] if NOTEBOOK_HEADER.match(line)), None)
    if header is None:
        return "", {}
    cells: dict[int, tuple[int, int]] = {}
    mark: tuple[int, int, int] | None = None          # (cell, its line, the file's line of the mark)
    for number, line in enumerate(lines, start=1):
        found = CELL_MARK.match(line)
        if found:
            mark = (int(found.group(1)), int(found.group(2)), number)
        elif mark is not None:
            cells[number] = (mark[0], mark[1] + number - mark[2] - 1)
    return header.group(1), cells


def _strip_constants(nodes: list[ast.AST]) -> None:
    """Remove docstrings and every other statement that is a bare constant (no effect when run), in
    place; a body left empty gets `pass` (on the line of what it replaces). NODES: the whole tree."""
    for node in nodes:
        for attr in ("body", "orelse", "finalbody"):
            body = getattr(node, attr, None)
            if not isinstance(body, list) or not body or not isinstance(body[0], ast.stmt):
                continue
            kept = [s for s in body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
            if not kept and not isinstance(node, ast.Module):
                kept = [ast.copy_location(ast.Pass(), body[0])]
            setattr(node, attr, kept)


def _imports(nodes: list[ast.AST]) -> set[str]:
    names = {a.name for n in nodes if isinstance(n, ast.Import) for a in n.names}
    return names | {n.module for n in nodes if isinstance(n, ast.ImportFrom) and n.module}


def _top_level_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def _functions_by_line(nodes: list[ast.AST]) -> dict[int, str]:
    """The innermost function (or class) definition around each line of the student's file."""
    spans = [(node.lineno, node.end_lineno or node.lineno, node.name) for node in nodes
             if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    by_line: dict[int, str] = {}
    for start, end, name in sorted(spans, key=lambda s: s[1] - s[0], reverse=True):
        for line in range(start, end + 1):
            by_line[line] = name      # narrower spans come later and win
    return by_line
