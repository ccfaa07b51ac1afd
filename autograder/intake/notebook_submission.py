"""A student's Jupyter notebook (.ipynb) as a submission: its code is read and parsed, never run.

`read_notebook` turns one notebook into the text of the assignment's module files (activations.py,
rnn.py, ...), as a student who had written those files would have them; `submission.py` stages
them like uploaded files. The rules, stage by stage:

- read:    at most MAX_NOTEBOOK_BYTES; the JSON's nesting depth and number of items are checked on
           the raw bytes before it is parsed. Invalid JSON, text that is not UTF-8 and the old
           nbformat 3 get a message saying what to do. Outputs and Markdown are dropped first; the
           code left must fit MAX_CODE_BYTES, and its top-level statements MAX_STATEMENTS (they
           bound the time parsing takes in the trusted process).
- cells:   the code cells, in order. In an nbgrader notebook (one whose cells carry
           metadata.nbgrader) its solution cells count, and cells the student added (no nbgrader
           metadata): never nbgrader's locked, read-only or test cells. A malformed cell is
           skipped with a message naming it.
- IPython: lines that start with `%` or `!` (magics, `!pip install`, `x = !ls`) and `name?` help
           lines are skipped. A cell that starts with %%time, %%timeit or %%capture is read as
           the Python below that line; `%%writefile rnn.py` (or %%file) is the file rnn.py, whole,
           as if uploaded; any other cell magic (%%bash, %%html, ...) is not Python and is skipped.
- select:  each module gets its functions and what they need, by name, transitively: the
           top-level statements that only define (`effects`: imports, def, class, assignments to a
           name or into an item or attribute of one, and if/try blocks made of these; not
           `if __name__ == "__main__":`) that bind a name they use, and the statements that fill in
           a kept name (`GAMMA["tanh"] = 1.0`, or a `for` loop whose body only assigns) up to its
           next binding. A name bound several times: the later binding wins, as when the notebook
           runs top to bottom (a function body sees the last binding in the notebook; a top-level
           expression the last one above it); a binding inside if or try keeps the one before it
           too. Never run: a call on its own line, while loops, for loops that do more than assign,
           with blocks. What is left out costs nothing unless it sets a name the kept code uses:
           the note says which cells, and says "may cost points" for those.
- locate:  each kept statement is preceded, in the module written, by `# cell N, line L`, which
           canonical.py reads so that feedback names the notebook's cell and line.
- errors:  a cell with a syntax error is left out; the message names the cell (its number, counting
           every cell from 1, and its first line) and the functions defined in it.

Cell text quoted in a message is one line, at most EXCERPT characters, with backticks and
control characters removed, inside a Markdown code span (literal in Markdown and HTML alike).
"""
from __future__ import annotations

import ast
import bisect
import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from autograder.assignment import Assignment, load
from autograder.i18n import _, ngettext

MAX_NOTEBOOK_BYTES = 20 << 20     # a notebook file, outputs (embedded plots) included
MAX_CODE_BYTES = 256 << 10        # its code cells once outputs and Markdown are dropped (bounds parsing time)
MAX_JSON_DEPTH = 64               # nesting of the JSON (a notebook needs about 6)
MAX_JSON_ITEMS = 500_000          # containers plus separators: bounds the memory parsing takes
MAX_STATEMENTS = 5_000            # top-level statements in all code cells (bounds the time reading takes)
EXCERPT = 60                      # characters of a cell's line quoted in a message
MAX_LISTED = 6                    # cells listed in one note

PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun"}   # %%magic whose body IPython runs as Python
WRITEFILE_MAGICS = {"writefile", "file"}

STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
MAGIC_LINE = re.compile(r"[ \t]*(?:[%!]|[A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*[ \t]*=[ \t]*[%!](?!=)"
                        r"|\?{1,2}[A-Za-z_][\w.]*[ \t]*$|[A-Za-z_][\w.]*\?{1,2}[ \t]*$)")
HEADER = re.compile(r"# \w+\.py as read from .* \(cells [\d, ]+\): the code its functions need\.$")
TOP_LEVEL_DEF = re.compile(r"^(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)", re.MULTILINE)


@dataclass
class NotebookCode:
    """What one notebook gives the grader. path: as the student knows it."""

    path: str
    modules: dict[str, str] = field(default_factory=dict)     # module -> source, from the code cells
    files: dict[str, str] = field(default_factory=dict)       # file name -> text, from %%writefile cells
    defined: dict[str, str] = field(default_factory=dict)     # function -> ast.dump of its graded definition
    broken: dict[str, str] = field(default_factory=dict)      # function -> why its cell was left out
    notes: list[str] = field(default_factory=list)            # for the whole submission
    problem: str | None = None                                # the notebook could not be read at all

    def provides(self, module: str) -> bool:
        return module in self.modules or f"{module}.py" in self.files


@dataclass(frozen=True)
class Statement:
    """One top-level statement of a code cell."""

    index: int                      # position in the notebook's statements
    cell: int                       # the cell's number (every cell counted from 1)
    node: ast.stmt
    text: str                       # its source, as written
    binds: frozenset[str]
    eager: frozenset[str]           # names it reads when it runs (values, decorators, defaults)
    late: frozenset[str]            # names it reads when called (function and lambda bodies)
    fills: frozenset[str] = frozenset()   # names whose object it fills in (`GAMMA["tanh"] = 1.0`)
    keepable: bool = True           # it only defines (see effects): it may be kept
    certain: bool = True            # it binds its names whatever happens (not inside if or try)
    line: int = 1                   # its first line in the cell (every line of the cell counted from 1)


# ---- quoting ------------------------------------------------------------------------------------
def excerpt(text: str) -> str:
    """The first non-blank line of TEXT as a short, inert Markdown code span."""
    line = next((s.strip() for s in text.splitlines() if s.strip()), "")
    line = "".join(c if c.isprintable() and c != "`" else " " for c in line)
    line = " ".join(line.split())
    if len(line) > EXCERPT:
        line = line[:EXCERPT - 1] + "…"
    return f"`{line}`" if line else _("(empty)")


def cell_name(number: int, text: str) -> str:
    return _("cell {n} ({code})").format(n=number, code=excerpt(text))


def listed(items: list[str]) -> str:
    if len(items) > MAX_LISTED:
        items = items[:MAX_LISTED] + [_("{n} more").format(n=len(items) - MAX_LISTED)]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + _(" and ") + items[-1]


# ---- read ---------------------------------------------------------------------------------------
def json_shape_problem(data: bytes) -> str | None:
    """Why DATA is too deep or too large to parse safely, or None (checked outside strings)."""
    outside = STRING.sub(b'""', data)
    brackets = outside.translate(None, NOT_BRACKETS)
    if len(brackets) + outside.count(b",") > MAX_JSON_ITEMS:
        return _("it holds more than {n} JSON items, far more than a notebook of this assignment").format(
            n=f"{MAX_JSON_ITEMS:,}")
    steps = (1 if b in b"[{" else -1 for b in brackets)
    if max(itertools.accumulate(steps, initial=0)) > MAX_JSON_DEPTH:
        return _("its JSON is nested more than {n} levels deep, which no notebook is").format(n=MAX_JSON_DEPTH)
    return None


def parse_json(path: str, data: bytes) -> tuple[dict | None, str | None]:
    """(the notebook's JSON object, None) or (None, the message for the student)."""
    redo = _("Download it again from Jupyter (File > Download) and upload that file.")
    if len(data) > MAX_NOTEBOOK_BYTES:
        return None, _("{path} is larger than {mb} MB, so it was not read. Clear its outputs (in Jupyter: Edit > "
                       "Clear All Outputs), save it and upload it again.").format(path=path,
                                                                                  mb=MAX_NOTEBOOK_BYTES >> 20)
    shape = json_shape_problem(data)
    if shape:
        return None, _("{path} was not read: {why}.").format(path=path, why=shape) + " " + redo
    try:
        notebook = json.loads(data)
    except UnicodeDecodeError:
        return None, _("{path} is not a notebook: its text is not UTF-8.").format(path=path) + " " + redo
    except json.JSONDecodeError as exc:
        return None, _("{path} is not a valid notebook: its JSON is broken at line {line}, column {column} "
                       "({error}).").format(path=path, line=exc.lineno, column=exc.colno, error=exc.msg) + " " + redo
    except (ValueError, RecursionError):
        return None, _("{path} is not a valid notebook: its JSON cannot be read.").format(path=path) + " " + redo
    if not isinstance(notebook, dict):
        return None, _("{path} is not a Jupyter notebook (its JSON is not an object with cells).").format(
            path=path) + " " + redo
    version = notebook.get("nbformat")
    if "worksheets" in notebook or (isinstance(version, int) and version < 4):
        return None, _("{path} is in the old notebook format {version}, which the grader does not read. Open it "
                       "in a current Jupyter and save it (that converts it to format 4), or run `jupyter nbconvert "
                       "--to notebook --nbformat 4 {path}`, and upload it again.").format(
            path=path, version=version if isinstance(version, int) else 3)
    if not isinstance(notebook.get("cells"), list):
        return None, _("{path} is not a Jupyter notebook: it has no list of cells.").format(path=path) + " " + redo
    return notebook, None


def code_cells(path: str, notebook: dict, notes: list[str]) -> list[tuple[int, str]]:
    """(cell number, source) of every code cell the grader reads (see the module docstring)."""
    cells = notebook["cells"]
    metadata = [c.get("metadata") if isinstance(c, dict) else None for c in cells]
    nbgrader = any(isinstance(m, dict) and isinstance(m.get("nbgrader"), dict) for m in metadata)
    out, malformed = [], []
    for number, (cell, meta) in enumerate(zip(cells, metadata), start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
                malformed.append(_("cell {n}").format(n=number))
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str) or (meta is not None and not isinstance(meta, dict)):
            malformed.append(_("cell {n}").format(n=number))
            continue
        grading = (meta or {}).get("nbgrader")
        if nbgrader and isinstance(grading, dict) and grading.get("solution") is not True:
            continue                           # nbgrader's own cells: locked, read-only or tests
        out.append((number, source.replace("\r\n", "\n").replace("\r", "\n")))
    if malformed:
        notes.append(ngettext(
            "{path}: {cells} is not a well-formed notebook cell and could not be read; the other cells were. Open "
            "the notebook in Jupyter, save it and upload it again.",
            "{path}: {cells} are not well-formed notebook cells and could not be read; the other cells were. Open "
            "the notebook in Jupyter, save it and upload it again.", len(malformed)).format(
            path=path, cells=listed(malformed)))
    return out


# ---- IPython ------------------------------------------------------------------------------------
def _scan(line: str, depth: int, quote: str | None) -> tuple[int, str | None, bool]:
    """(bracket depth, open string quote, backslash continuation) after LINE."""
    i = 0
    while i < len(line):
        if quote:
            if line.startswith(quote, i):
                i, quote = i + len(quote), None
            else:
                i += 2 if line[i] == "\\" else 1
            continue
        c = line[i]
        if c == "#":
            break
        if c in "\"'":
            quote = line[i:i + 3] if line[i:i + 3] in ('"""', "'''") else c
            i += len(quote)
            continue
        depth += c in "([{"
        depth = max(0, depth - (c in ")]}"))
        i += 1
    continued = line.endswith("\\")
    if quote and len(quote) == 1 and not continued:
        quote = None                               # an unclosed one-line string: Python's syntax error
    return depth, quote, continued and quote is None


def strip_ipython(code: str) -> tuple[str, list[str]]:
    """CODE with IPython's `%`, `!` and help lines (at the start of a statement) made `pass`."""
    lines = code.split("\n")
    depth, quote, continued, skipped = 0, None, False, []
    for n, line in enumerate(lines):
        if depth == 0 and quote is None and not continued and MAGIC_LINE.match(line):
            skipped.append(line.strip())
            lines[n] = line[:len(line) - len(line.lstrip())] + "pass"
            continue
        depth, quote, continued = _scan(line, depth, quote)
    return "\n".join(lines), skipped


def cell_magic(source: str) -> tuple[str | None, str, str, int]:
    """(magic name or None, its arguments, the cell's body, lines before the body) of a cell."""
    blank = len(source) - len(source.lstrip("\n"))
    first, _sep, body = source[blank:].partition("\n")
    match = re.match(r"[ \t]*%%(\w+)[ \t]*(.*)", first)
    if not match:
        return None, "", source, 0
    return match.group(1), match.group(2).strip(), body, blank + 1


def writefile_target(args: str) -> tuple[str | None, bool]:
    """(file name, append) from %%writefile's arguments; the name is its last path component."""
    words = args.split()
    append = any(w in ("-a", "--append") for w in words)
    names = [w.strip("'\"") for w in words if not w.startswith("-")]
    if len(names) != 1:
        return None, append
    return re.split(r"[\\/]", names[0])[-1] or None, append


# ---- statements ---------------------------------------------------------------------------------
MUTATORS = frozenset({"update", "setdefault", "append", "extend", "insert", "add", "__setitem__"})


def base_name(target: ast.expr) -> str | None:
    """`GAMMA` of `GAMMA["tanh"]`, `cfg.lr` or `a.b[0].c`; None when it is no name's object."""
    while isinstance(target, (ast.Subscript, ast.Attribute, ast.Starred)):
        target = target.value
    return target.id if isinstance(target, ast.Name) else None


def target_effects(targets: list[ast.expr]) -> tuple[set[str], set[str]]:
    """(names bound, names whose object is filled in) by assignment TARGETS."""
    binds: set[str] = set()
    fills: set[str] = set()
    stack = list(targets)
    while stack:
        target = stack.pop()
        if isinstance(target, (ast.Tuple, ast.List)):
            stack += target.elts
        elif isinstance(target, ast.Starred):
            stack.append(target.value)
        elif isinstance(target, ast.Name):
            binds.add(target.id)
        elif isinstance(target, (ast.Subscript, ast.Attribute)):
            name = base_name(target)
            if name:
                fills.add(name)
    return binds, fills


def is_main_guard(test: ast.expr) -> bool:
    """`__name__ == "__main__"` (either way round): a block a .py file does not run on import."""
    return isinstance(test, ast.Compare) and any(isinstance(n, ast.Name) and n.id == "__name__"
                                                 for n in [test.left, *test.comparators])


def effects(node: ast.stmt, in_loop: bool = False) -> tuple[set[str], set[str]] | None:
    """(names bound, names filled in) by a statement that only defines, or None when it does more.

    Only defines: import, def, class, an assignment (to names, or into an item or attribute of a
    name: `GAMMA["tanh"] = 1.0`; its value may call functions, as a constant's always could), `pass`,
    and `if` (not `if __name__ == "__main__":`) and `try` blocks made of these. A `for` loop only
    fills in: its body holds nothing but assignments (and if blocks of them) and calls nothing (its
    iterable may be a range, enumerate, zip, sorted, reversed or a dict's items, keys or values), and
    it counts as binding no name. IN_LOOP: NODE is inside such a loop's body (no def, class or import there).
    """
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)):
        return None if in_loop else (bound_names(node), set())
    if isinstance(node, ast.Assign):
        return target_effects(node.targets)
    if isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        return target_effects([node.target]) if node.value is not None else (set(), set())
    if isinstance(node, ast.Pass) or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
        return set(), set()
    if isinstance(node, ast.If) and not is_main_guard(node.test):
        return block_effects(node.body + node.orelse, in_loop)
    if isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))) and not in_loop:
        handlers = [s for h in node.handlers for s in h.body]
        found = block_effects(node.body + handlers + node.orelse + node.finalbody, in_loop)
        return found and (found[0] | {h.name for h in node.handlers if h.name}, found[1])
    if isinstance(node, ast.For):
        if any(isinstance(n, ast.Call) for part in (node.iter, *node.body, *node.orelse) for n in ast.walk(part)
               if not (part is node.iter and isinstance(n, ast.Call) and is_range_like(n))):
            return None     # a loop that calls anything (an experiment, a sleep) is not a definition
        body = block_effects(node.body + node.orelse, True)
        return None if body is None else (set(), body[1])
    return None


def is_range_like(call: ast.Call) -> bool:
    """range(...), enumerate(...), zip(...), dict.items()-like calls that only walk what is given."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    return name in ("range", "enumerate", "zip", "items", "keys", "values", "sorted", "reversed")


def block_effects(body: list[ast.stmt], in_loop: bool) -> tuple[set[str], set[str]] | None:
    binds: set[str] = set()
    fills: set[str] = set()
    for node in body:
        found = effects(node, in_loop)
        if found is None:
            return None
        binds |= found[0]
        fills |= found[1]
    return binds, fills


def touched_names(node: ast.stmt) -> set[str]:
    """Names a statement of any kind may set at the top level: assigned, assigned into, or changed by
    a method such as `GAMMA.update(...)` (function and class bodies not counted)."""
    names: set[str] = set()
    stack: list[ast.AST] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(current.name)
            continue
        if isinstance(current, (ast.Import, ast.ImportFrom)):
            names |= bound_names(current)
        elif isinstance(current, (ast.Name, ast.Subscript, ast.Attribute)) and isinstance(current.ctx, ast.Store):
            name = base_name(current)
            if name:
                names.add(name)
        elif (isinstance(current, ast.Call) and isinstance(current.func, ast.Attribute)
              and current.func.attr in MUTATORS and base_name(current.func.value)):
            names.add(base_name(current.func.value))
        stack += ast.iter_child_nodes(current)
    return names


def bound_names(node: ast.stmt) -> set[str]:
    """The names a def, class, import or assignment binds (`params["W"] = ...` binds none)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"}
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        found = effects(node)
        return found[0] if found else set()
    return set()


def local_names(scope: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> set[str]:
    """Names a function binds itself (parameters, assignments, nested definitions): not globals.

    Names bound in nested functions count too, which is wrong only when a nested function binds a
    name that its outer function reads as a global: rare enough not to matter here."""
    names = {a.arg for a in ast.walk(scope.args) if isinstance(a, ast.arg)}
    declared_global: set[str] = set()
    for node in ast.walk(scope):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node is not scope:
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            declared_global |= set(node.names)
    return names - declared_global


def read_names(node: ast.stmt) -> tuple[set[str], set[str]]:
    """(eager, late) global names NODE reads: late ones inside function and lambda bodies."""
    eager: set[str] = set()
    late: set[str] = set()
    stack: list[tuple[ast.AST, bool, frozenset[str]]] = [(node, False, frozenset())]
    while stack:
        current, is_late, local = stack.pop()
        if isinstance(current, ast.Name) and isinstance(current.ctx, ast.Load) and current.id not in local:
            (late if is_late else eager).add(current.id)
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            inner = current.body if isinstance(current.body, list) else [current.body]
            outer = [current.args] + getattr(current, "decorator_list", []) + [getattr(current, "returns", None)]
            body_local = local | local_names(current)
            stack += [(n, True, body_local) for n in inner] + [(n, is_late, local) for n in outer if n is not None]
        elif isinstance(current, ast.ClassDef):
            stack += [(n, True, local) for n in current.body]
            stack += [(n, is_late, local) for n in current.bases + current.keywords + current.decorator_list]
        else:
            stack += [(n, is_late, local) for n in ast.iter_child_nodes(current)]
    return eager, late


def statement_text(lines: list[str], node: ast.stmt, shares_line: bool) -> str:
    """NODE's source as written (decorators included); lines: the cell's."""
    if shares_line:
        return ast.unparse(node)                   # `a = 1; b = 2`: this statement alone
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return "\n".join(lines[first - 1:node.end_lineno])


def cell_statements(number: int, code: str, start: int, offset: int = 0) -> list[Statement]:
    """The top-level statements of cell NUMBER's CODE (OFFSET: the cell's lines before CODE)."""
    tree = ast.parse(code, filename=f"cell {number}")
    body, lines = tree.body, code.split("\n")
    if start + len(body) > MAX_STATEMENTS:
        raise OverflowError(f"more than {MAX_STATEMENTS} top-level statements")
    out = []
    for i, node in enumerate(body):            # statements in order: only neighbours can share a line
        shares = (i > 0 and body[i - 1].end_lineno == node.lineno) or \
            (i + 1 < len(body) and body[i + 1].lineno == node.end_lineno)
        found = effects(node)
        binds, fills = found if found is not None else (set(), set())
        eager, late = read_names(node)
        if isinstance(node, ast.For):          # its loop variables and temporaries are its own
            eager -= {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        first = node.lineno if shares else min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        out.append(Statement(start + len(out), number, node, statement_text(lines, node, shares),
                             frozenset(binds), frozenset(eager), frozenset(late), frozenset(fills),
                             keepable=found is not None, certain=not isinstance(node, (ast.If, ast.Try)),
                             line=first + offset))
    return out


# ---- select -------------------------------------------------------------------------------------
def needed_statements(statements: list[Statement], roots: list[str]) -> list[Statement]:
    """The statements that bind ROOTS and, transitively, every name they read (later bindings win),
    with the statements that fill in what a kept statement binds, up to that name's next binding.

    A binding inside `if` or `try` may not happen: the binding before it is kept as well."""
    binders: dict[str, list[int]] = {}
    fillers: dict[str, list[int]] = {}
    for s in statements:
        for name in s.binds:
            binders.setdefault(name, []).append(s.index)
        for name in s.fills if s.keepable else ():
            fillers.setdefault(name, []).append(s.index)
    stars = [s.index for s in statements if isinstance(s.node, ast.ImportFrom)
             and any(a.name == "*" for a in s.node.names)]

    def binder(name: str, before: int | None) -> list[int]:
        """The last statement binding NAME (before statement BEFORE, when given), and the ones before
        it while it binds only maybe (inside if or try)."""
        indices = binders.get(name, [])
        found = bisect.bisect_left(indices, before) if before is not None else len(indices)
        out = []
        while found:
            found -= 1
            out.append(indices[found])
            if statements[indices[found]].certain:
                return out
        return out + [i for i in stars if before is None or i < before]   # maybe from `from numpy import *`

    def filled(name: str, after: int) -> list[int]:
        """The statements filling in NAME after statement AFTER binds it, up to its next binding."""
        indices = binders.get(name, [])
        later = indices[bisect.bisect_right(indices, after):]
        stop = later[0] if later else len(statements)
        return [j for j in fillers.get(name, []) if after < j < stop]

    pending = [i for name in roots for i in binder(name, None)[:1] if name in binders]
    keep: set[int] = set()
    while pending:
        i = pending.pop()
        if i in keep:
            continue
        keep.add(i)
        s = statements[i]
        pending += [j for name in s.late for j in binder(name, None)]
        pending += [j for name in s.eager for j in binder(name, i)]
        pending += [j for name in s.binds for j in filled(name, i)]
    return [statements[i] for i in sorted(keep)]


def module_source(path: str, module: str, kept: list[Statement]) -> str:
    """The module file: __future__ imports, other imports, then the rest in notebook order.

    A comment `# cell N, line L` before each statement says where it is in the notebook (comments
    are not part of the canonical code: see canonical.py, which reads them to name cells in feedback)."""
    def rank(s: Statement) -> int:
        if isinstance(s.node, ast.ImportFrom) and s.node.module == "__future__":
            return 0
        return 1 if isinstance(s.node, (ast.Import, ast.ImportFrom)) else 2

    def placed(s: Statement) -> str:
        return f"# cell {s.cell}, line {s.line}\n{s.text}"

    ordered = sorted(kept, key=lambda s: (rank(s), s.index))
    firsts = list({s.text: s for s in reversed(ordered) if rank(s) < 2}.values())[::-1]   # each import once
    future = [s.text for s in firsts if rank(s) == 0]
    imports = [placed(s) for s in firsts if rank(s) == 1]
    rest = [placed(s) for s in ordered if rank(s) == 2]
    cells = ", ".join(str(c) for c in sorted({s.cell for s in kept}))
    shown = "".join(c if c.isprintable() else "?" for c in path)
    head = f"# {module}.py as read from {shown} (cells {cells}): the code its functions need.\n"
    return "".join(t + "\n" for t in future) + head + "".join(t + "\n" for t in imports) + "\n\n" \
        + "\n\n\n".join(rest) + "\n"


# ---- the notebook -------------------------------------------------------------------------------
def read_notebook(path: str, data: bytes, assignment: Assignment | None = None) -> NotebookCode:
    """The module files (and %%writefile files) that the notebook DATA gives; see the module docstring."""
    result = NotebookCode(path)
    notebook, problem = parse_json(path, data)
    if problem:
        result.problem = problem
        return result
    cells = code_cells(path, notebook, result.notes)
    if sum(len(code.encode("utf-8", "replace")) for _number, code in cells) > MAX_CODE_BYTES:
        result.problem = _("{path} holds more than {kb} KB of code (outputs not counted), far more than this "
                           "assignment needs, so it was not read.").format(path=path, kb=MAX_CODE_BYTES >> 10)
        return result
    statements: list[Statement] = []
    skipped: dict[int, str] = {}             # cell -> why some of it was left out
    for number, source in cells:
        magic, args, body, offset = cell_magic(source)
        if magic in WRITEFILE_MAGICS:
            name, append = writefile_target(args)
            if name:
                result.files[name] = (result.files.get(name, "") if append else "") + body
            continue
        if magic is not None and magic not in PYTHON_CELL_MAGICS:
            if body.strip():
                skipped[number] = _("{code}: a %%{magic} cell is not Python").format(code=excerpt(source),
                                                                                      magic=magic)
            continue
        code, commands = strip_ipython(body)
        try:
            statements += cell_statements(number, code, len(statements), offset)
        except OverflowError:
            result.problem = _("{path} has more than {n} top-level statements in its code cells, far more than "
                               "this assignment needs, so it was not read.").format(path=path,
                                                                                    n=f"{MAX_STATEMENTS:,}")
            return result
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            record_broken(result, number, source, body, offset, exc)
            continue
        if commands:
            skipped[number] = _("{code}: an IPython command, not Python").format(code=excerpt(commands[0]))
    kept_anywhere: set[int] = set()
    used: set[str] = set()                   # names the kept code reads, and the graded functions
    a = load(assignment)
    for module in a.modules:
        names = [f.name for f in a.functions_in(module)]
        kept = needed_statements(statements, names)
        for s in kept:
            if isinstance(s.node, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.node.name in names:
                result.defined[s.node.name] = shape(s.node, s.text)
        if any(name in result.defined for name in names):
            result.modules[module] = module_source(path, module, kept)
            kept_anywhere |= {s.index for s in kept}
            used |= set(names).union(*(s.eager | s.late for s in kept))
    costly: dict[int, tuple[str, set[str]]] = {}      # cell -> (its statement, names the kept code needs)
    for s in statements:
        if s.index in kept_anywhere:
            continue
        if not s.keepable:
            needed = {n for n in touched_names(s.node) & used
                      if not any(k > s.index and n in statements[k].binds for k in kept_anywhere)}
            if needed:
                costly.setdefault(s.cell, (excerpt(s.text), set()))[1].update(needed)
                continue
        if s.cell not in skipped and s.cell not in costly and runs_code(s):
            skipped[s.cell] = _("{code} runs at the top level").format(code=excerpt(s.text))
    skipped = {n: why for n, why in skipped.items() if n not in costly}
    if costly and result.modules:
        names = sorted(set().union(*(names for _code, names in costly.values())))
        listed_cells = [_("cell {n} ({code} sets {names})").format(n=n, code=code, names=listed(sorted(names)))
                        for n, (code, names) in sorted(costly.items())]
        result.notes.append(_(
            "From {path} the grader left out {cells}, yet your functions use {names}: this may cost points. The "
            "grader keeps only the top-level code that defines (imports, functions, classes, assignments, and "
            "if, try and for blocks made of these) and never runs a call, a while loop or a for loop that does "
            "more than assign, so your functions will not see what it does. Set {names} with assignments "
            "(for example TABLE = {{\"tanh\": 1.0}} or TABLE[\"tanh\"] = 1.0) or inside a function, and submit "
            "again.").format(path=path, cells=listed(listed_cells), names=listed(names)))
    if skipped and result.modules:
        cells = [_("cell {n} ({why})").format(n=n, why=why) for n, why in sorted(skipped.items())]
        result.notes.append(_(
            "From {path} the grader took the definitions your functions need (functions, imports, constants and "
            "the blocks that fill them in) and ran nothing else. Left out, at no cost: {cells}. Code that prints, "
            "plots, trains or installs at the top level of a cell is yours to run in Jupyter; it is not "
            "graded.").format(path=path, cells=listed(cells)))
    result.broken = {name: why for name, why in result.broken.items() if name not in result.defined}
    twice = redefined(statements, result.defined)
    if twice:
        result.notes.append(_("In {path}, {functions}: the later definition was graded, as when the notebook runs "
                              "from top to bottom. Delete the other to avoid surprises.").format(
            path=path, functions=listed(twice)))
    return result


def runs_code(s: Statement) -> bool:
    """A top-level statement that does something when run (a call, a loop, a print), not a definition."""
    if not s.keepable:
        return not (isinstance(s.node, ast.Expr) and isinstance(s.node.value, ast.Constant))
    return any(isinstance(n, ast.Call) for n in ast.walk(s.node)
               if not isinstance(s.node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))


def redefined(statements: list[Statement], graded: dict[str, str]) -> list[str]:
    """'<function> is defined in cells 5 and 9' for each graded function defined more than once."""
    out = []
    for name in graded:
        cells = [s.cell for s in statements if name in s.binds]
        if len(cells) > 1:
            out.append(_("{function} is defined in cells {cells}").format(function=name,
                                                                           cells=listed([str(c) for c in cells])))
    return out


def record_broken(result: NotebookCode, number: int, source: str, body: str, offset: int,
                  exc: BaseException) -> None:
    """A note naming the cell that could not be parsed and the functions defined in it."""
    functions = TOP_LEVEL_DEF.findall(body)
    if isinstance(exc, SyntaxError) and exc.lineno:
        lines = body.split("\n")
        line = lines[exc.lineno - 1] if exc.lineno <= len(lines) else ""
        what = _("a syntax error at its line {line} ({code}): {error}").format(line=exc.lineno + offset,
                                                                             code=excerpt(line), error=exc.msg)
    else:
        what = _("code too deeply nested for Python to read")
    why = _("{path}, {cell}, has {what}. The cell was left out").format(path=result.path,
                                                                         cell=cell_name(number, source), what=what)
    if functions:
        why += ngettext(", so the {functions} defined in it was not read", ", so the {functions} defined in it "
                        "were not read", len(functions)).format(functions=listed(functions))
    result.notes.append(why + ". " + _("Fix the cell (run it in Jupyter to see the error) and submit again."))
    for name in functions:
        result.broken[name] = why + "."


def definitions(source: str) -> dict[str, str]:
    """{function: ast.dump} of the top-level functions of a .py file's SOURCE ({} when it does not parse)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    return {n.name: shape(n, ast.get_source_segment(source, n) or n.name) for n in tree.body
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}


def shape(node: ast.AST, text: str) -> str:
    """NODE's AST as text, to compare definitions; TEXT itself when the tree is too deep to dump."""
    try:
        return ast.dump(node)
    except RecursionError:
        return text


# ---- several notebooks, and notebooks beside .py files -------------------------------------------
# Per module: an uploaded .py file comes first, unless it is still the stub as handed out and a
# notebook gives the module (submission.locate_and_copy: the notebook is graded, with a note);
# then a notebook's `%%writefile rnn.py` cell; then the
# functions in a notebook's code cells. Several notebooks that give a module different code are
# ambiguous: that module is not graded and the message names the notebooks (as for two rnn.py).
MAX_NOTEBOOKS = 5


def read_notebooks(files: dict[str, Path], assignment: Assignment | None = None) -> list[NotebookCode]:
    """Every .ipynb of an upload (at most MAX_NOTEBOOKS, by path), read. files: relative path -> file."""
    out = []
    for rel in sorted(r for r in files if r.lower().endswith(".ipynb"))[:MAX_NOTEBOOKS]:
        try:
            with files[rel].open("rb") as f:
                data = f.read(MAX_NOTEBOOK_BYTES + 1)
        except OSError:
            out.append(NotebookCode(rel, problem=_("{path} could not be read.").format(path=rel)))
            continue
        out.append(read_notebook(rel, data, assignment))
    return out


def module_text(notebook: NotebookCode, module: str) -> str | None:
    return notebook.files.get(f"{module}.py", notebook.modules.get(module))


def _same_code(text: str) -> str:
    """TEXT without the header line that names the notebook."""
    return "\n".join(line for line in text.split("\n") if not HEADER.match(line))


@dataclass(frozen=True)
class Choice:
    """A module as the notebooks give it: text and where it comes from, or the problem."""

    text: str | None = None       # the module's source
    origin: str = ""              # the notebook's path
    note: str = ""                # for the student, when text is given
    problem: str = ""             # why notebooks that give the module cannot be used (ambiguous)


def choose(module: str, notebooks: list[NotebookCode], assignment: Assignment | None = None) -> Choice:
    """MODULE from NOTEBOOKS: an empty Choice when none gives it."""
    givers = [nb for nb in notebooks if nb.provides(module)]
    if not givers:
        return Choice()
    if len({_same_code(module_text(nb, module)) for nb in givers}) > 1:
        return Choice(problem=_("{module}.py was not graded: {notebooks} each give its functions, with different "
                                "code, and the grader cannot tell which you mean. Upload one notebook (or "
                                "{module}.py).").format(module=module, notebooks=listed([nb.path for nb in givers])))
    nb = givers[0]
    if f"{module}.py" not in nb.files:
        return Choice(nb.modules[module], nb.path)
    names = [f.name for f in load(assignment).functions_in(module) if f.name in nb.defined]
    shadowed = (" " + _("Its code cells also define {functions}; the %%writefile cell is what was graded, as the "
                        "file it writes is what `import` would use.").format(functions=listed(names))) if names else ""
    return Choice(nb.files[f"{module}.py"], nb.path,
                  _("{module}.py was taken from the %%writefile {module}.py cell of {notebook}.").format(
                      module=module, notebook=nb.path) + shadowed)


def absent_reason(module: str, notebooks: list[NotebookCode], assignment: Assignment | None = None) -> str:
    """Why no notebook gave MODULE ("" when there is no notebook)."""
    names = [f.name for f in load(assignment).functions_in(module)]
    reasons = []
    for nb in notebooks:
        broken = [nb.broken[n] for n in names if n in nb.broken]
        if nb.problem:
            reasons.append(nb.problem)
        elif broken:
            reasons.append(broken[0])
        else:
            reasons.append(_("{notebook} was read, but none of its code cells defines {functions} at the top "
                             "level (not inside a class, a loop or `if __name__ == \"__main__\":`).").format(
                notebook=nb.path, functions=listed(names)))
    return " ".join(dict.fromkeys(reasons))


def shadowed_by_file(module: str, file_rel: str, file_text: str, notebooks: list[NotebookCode],
                     assignment: Assignment | None = None) -> str:
    """A note when a notebook defines the module's functions differently from the graded .py file."""
    givers = [nb for nb in notebooks if nb.provides(module)]
    own = definitions(file_text) if givers else {}
    functions = load(assignment).functions_in(module)
    differ = [nb.path for nb in givers
              if any(nb.defined.get(f.name, own.get(f.name)) != own.get(f.name) for f in functions)]
    if not differ:
        return ""
    return ngettext(
        "{file} was graded; {notebooks} also defines its functions, differently, and was not used for them (a .py "
        "file comes before a notebook, unless the file is still the stub as handed out). Upload only one of them "
        "to be sure which is graded.",
        "{file} was graded; {notebooks} also define its functions, differently, and were not used for them (a .py "
        "file comes before a notebook, unless the file is still the stub as handed out). Upload only one of them "
        "to be sure which is graded.", len(differ)).format(file=file_rel, notebooks=listed(differ))
