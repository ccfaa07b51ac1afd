"""A submission's code as normalised token streams, one per unit (a graded function, with the
helpers it calls inlined; a function nothing calls; a top-level statement), each token with the
(file, line) it came from.

What is normalised away, so that the usual disguises change nothing:
- names of variables, arguments and functions ("V"); a module or a name imported from one keeps
  its full dotted name ("numpy.tanh"), whatever alias the file gives it; builtins keep theirs;
- comments, docstrings and every other bare constant statement, whitespace and blank lines (the
  tree has none of them); string constants ("S");
- the order of functions (each unit is fingerprinted on its own); a graded function called from
  another is not inlined but named ("graded:" and its name), as the stubs name it for everyone;
- split or merged helpers, and code moved into a helper module: a call of a function the
  submission defines (in any of its files) is replaced by that function's body, up to
  INLINE_DEPTH calls deep;
- dead code: statements after a return/raise/continue/break, `if False:` blocks, assignments to
  a local name the function never reads, and (when the submission defines a graded function)
  functions that nothing calls.

A file is parsed as grading parses it (canonical.py): a syntax error or a tree too deep for the
parser makes it a text file, compared as a stream of words and symbols (identifiers normalised
the same way). Work is bounded: at most MAX_TOKENS tokens per submission, all units and text
files together (inlining included).
"""
from __future__ import annotations

import ast
import builtins
import io
import keyword
import re
import tokenize
from dataclasses import dataclass, field

INLINE_DEPTH = 3           # nested calls of the submission's own functions that are inlined
MAX_TOKENS = 60_000        # tokens per submission (a solution has about 3,000)
BUILTINS = frozenset(dir(builtins))
TOP_LEVEL = "(top level)"


@dataclass(frozen=True)
class Token:
    text: str
    file: int           # index into the submission's sorted file list
    line: int           # 1-based line in that file


@dataclass
class Unit:
    name: str                               # a function's name, or TOP_LEVEL, or a text file's path
    tokens: list[Token] = field(default_factory=list)


@dataclass
class _Module:
    index: int
    rel: str
    tree: ast.Module
    aliases: dict[str, str]                 # local name -> "numpy", "numpy.tanh", or "local:<function>"


def module_name(rel: str) -> str:
    """'helpers/maths.py' -> 'helpers.maths'; 'pkg/__init__.py' -> 'pkg'."""
    parts = rel[:-3].split("/") if rel.endswith(".py") else rel.split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def parse(text: str) -> ast.Module | None:
    """The tree of TEXT as grading gets it (canonical.py), or None when it does not parse (then it
    is compared as text). Everything below walks trees without recursion, so depth costs nothing."""
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def units(files: dict[str, str], graded: frozenset[str] = frozenset(), prune: bool = True) -> list[Unit]:
    """The units of a submission's FILES (relative path -> text; file index = position in sorted
    order). GRADED: the assignment's function names (the roots of what is reachable). PRUNE=False
    keeps functions nothing calls (starter code: all of it counts)."""
    rels = sorted(files)
    local_modules = {module_name(r) for r in rels if r.endswith(".py")}
    modules: list[_Module] = []
    text_units: list[Unit] = []
    text_budget = MAX_TOKENS
    for index, rel in enumerate(rels):
        tree = parse(files[rel]) if rel.endswith(".py") else None
        if tree is None:
            text_units.append(Unit(rel, text_tokens(files[rel], index, text_budget)))
            text_budget -= len(text_units[-1].tokens)
            continue
        _drop_dead(tree)
        modules.append(_Module(index, rel, tree, _aliases(tree, local_modules)))
    defs: dict[str, tuple[_Module, ast.FunctionDef | ast.AsyncFunctionDef]] = {}
    for m in modules:
        for node in m.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                defs.setdefault(node.name, (m, node))
            elif isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        defs.setdefault(item.name, (m, item))
    walker = _Walker({n: d for n, d in defs.items() if n not in graded}, local_modules, MAX_TOKENS, graded)
    out: list[Unit] = []
    roots = [name for name in defs if name in graded]
    for name in sorted(roots):
        m, node = defs[name]
        out.append(walker.unit(name, m, node))
    for m in modules:
        for node in m.tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                # a graded function is a unit already; with graded ones present, any other function
                # is either inlined where it is called or dead code
                if node.name not in graded and not (prune and roots):
                    out.append(walker.unit(node.name, m, node))
                continue
            # each top-level statement on its own: pieces of starter code pasted one after another
            # give no passage across their seams
            out.append(Unit(TOP_LEVEL, walker.tokens(m, node)))
    budget, kept = MAX_TOKENS, []
    for u in out + text_units:
        u.tokens = u.tokens[:max(0, budget)]
        budget -= len(u.tokens)
        if u.tokens:
            kept.append(u)
    return kept


# ---- dead code ----------------------------------------------------------------------------------
_ENDS_BLOCK = (ast.Return, ast.Raise, ast.Continue, ast.Break)


def _drop_dead(tree: ast.Module) -> None:
    """Remove, in place: docstrings and bare constants, code after return/raise/continue/break,
    `if <false constant>:` bodies, and assignments to a function's local names it never reads."""
    for node in ast.walk(tree):
        for attr in ("body", "orelse", "finalbody"):
            body = getattr(node, attr, None)
            if not isinstance(body, list) or not body or not isinstance(body[0], ast.stmt):
                continue
            kept: list[ast.stmt] = []
            for stmt in body:
                if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                    continue
                if isinstance(stmt, ast.If) and isinstance(stmt.test, ast.Constant):
                    kept += stmt.body if stmt.test.value else stmt.orelse
                    continue
                kept.append(stmt)
                if isinstance(stmt, _ENDS_BLOCK):
                    break
            setattr(node, attr, kept)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            _drop_unread(node)


def _drop_unread(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
    for _ in range(3):
        read = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Store)}
        changed = False
        for node in ast.walk(fn):
            for attr in ("body", "orelse", "finalbody"):
                body = getattr(node, attr, None)
                if not isinstance(body, list) or not body or not isinstance(body[0], ast.stmt):
                    continue
                kept = [s for s in body if not (isinstance(s, (ast.Assign, ast.AnnAssign, ast.AugAssign))
                                                and _targets_unread(s, read))]
                if len(kept) != len(body):
                    setattr(node, attr, kept or [ast.Pass()])
                    changed = True
        if not changed:
            return


def _targets_unread(stmt: ast.stmt, read: set[str]) -> bool:
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    return all(isinstance(t, ast.Name) and t.id not in read for t in targets)


# ---- names --------------------------------------------------------------------------------------
def _aliases(tree: ast.Module, local_modules: set[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                local = a.name in local_modules
                if a.asname:
                    out[a.asname] = ("localmod:" if local else "") + a.name
                else:
                    head = a.name.split(".")[0]
                    out[head] = ("localmod:" if local else "") + head
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            local = node.module.lstrip(".") in local_modules or node.level > 0
            for a in node.names:
                out[a.asname or a.name] = f"local:{a.name}" if local else f"{node.module}.{a.name}"
    return out


class _Walker:
    """Serialises trees as normalised tokens (pre-order), inlining the submission's own functions."""

    def __init__(self, defs, local_modules: set[str], budget: int, graded: frozenset[str] = frozenset()):
        self.defs = defs            # the submission's own functions that are inlined where called
        self.graded = graded        # graded functions: units of their own, called by name
        self.local_modules = local_modules
        self.reached: set[str] = set()
        self.budget = budget          # tokens left for the whole submission

    def unit(self, name: str, m: _Module, fn) -> Unit:
        tokens: list[Token] = []
        self._emit(m, fn, tokens, (name,))
        return Unit(name, tokens)

    def tokens(self, m: _Module, node: ast.AST) -> list[Token]:
        tokens: list[Token] = []
        self._emit(m, node, tokens, ())
        return tokens

    def _callee(self, m: _Module, func: ast.expr) -> str | None:
        """The name of the submission's own function FUNC calls, if it is one."""
        if isinstance(func, ast.Name):
            alias = m.aliases.get(func.id, "")
            if alias.startswith("local:"):
                name = alias[6:]
            elif func.id in m.aliases:
                return None
            else:
                name = func.id
            return name if name in self.defs else None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            if m.aliases.get(func.value.id, "").startswith("localmod:") or func.value.id in ("self", "cls"):
                return func.attr if func.attr in self.defs else None
        return None

    def _emit(self, m: _Module, root: ast.AST, out: list[Token], inlining: tuple[str, ...]) -> None:
        stack: list[tuple[_Module, ast.AST, tuple[str, ...], int]] = [(m, root, inlining, 0)]
        start = len(out)
        while stack and len(out) - start < self.budget:
            mod, node, chain, line = stack.pop()
            line = getattr(node, "lineno", line)
            if isinstance(node, ast.Call):
                callee = self._callee(mod, node.func)
                if callee is not None:
                    self.reached.add(callee)
                    if callee not in chain and len(chain) <= INLINE_DEPTH:
                        target_mod, target = self.defs[callee]
                        out.append(Token("Inline", mod.index, line))
                        children = [(mod, a, chain, line) for a in node.args] + \
                                   [(mod, k.value, chain, line) for k in node.keywords] + \
                                   [(target_mod, s, (*chain, callee), line) for s in target.body]
                        stack += reversed(children)
                        continue
            text = self._text(mod, node)
            if text is None:
                continue
            out.append(Token(text, mod.index, line))
            if isinstance(node, ast.Attribute) and text != "Attr":
                continue        # a module's attribute: "numpy.tanh" says it all
            children = [(mod, child, chain, line) for child in ast.iter_child_nodes(node)
                        if not isinstance(child, (ast.expr_context, ast.Load, ast.Store, ast.Del))]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                children = [c for c in children if not isinstance(c[1], ast.arguments)]
            stack += reversed(children)
        self.budget -= len(out) - start

    def _text(self, m: _Module, node: ast.AST) -> str | None:
        if isinstance(node, ast.Name):
            alias = m.aliases.get(node.id)
            name = alias.split(":", 1)[1] if alias is not None and alias.startswith("local:") else node.id
            if name in self.graded:           # called by its name in every submission
                return "graded:" + name
            if alias is not None:
                return alias.split(":", 1)[1] if alias.startswith("local") else alias
            return node.id if node.id in BUILTINS and node.id not in self.defs else "V"
        if isinstance(node, ast.Attribute):
            base = node.value
            if isinstance(base, ast.Name) and base.id in m.aliases and not m.aliases[base.id].startswith("local"):
                return f"{m.aliases[base.id]}.{node.attr}"
            return "Attr." + node.attr if not node.attr.startswith("_") else "Attr"
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str | bytes):
                return "S"
            return f"C:{node.value!r}"[:40]
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal, ast.arguments, ast.arg,
                             ast.keyword)):
            return None if not isinstance(node, ast.keyword) else "kw:" + (node.arg or "**")
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return "Def"
        return type(node).__name__


# ---- text -------------------------------------------------------------------------------------
_WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9]*|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\S")


def text_tokens(text: str, file: int, budget: int = MAX_TOKENS) -> list[Token]:
    """A file that does not parse, as words and symbols: comments and strings dropped where the
    tokenizer can tell, identifiers "V" (keywords and builtins kept)."""
    out: list[Token] = []
    try:
        lines = [(tok.string, tok.start[0], tok.type) for tok in
                 tokenize.generate_tokens(io.StringIO(text).readline)]
    except (tokenize.TokenError, SyntaxError, ValueError, RecursionError, MemoryError):
        lines = [(w, n, None) for n, line in enumerate(text.splitlines(), 1) for w in _WORD.findall(line)]
    for string, line, kind in lines:
        if kind in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                    tokenize.ENDMARKER) or not string.strip():
            continue
        if kind == tokenize.STRING or string[:1] in "\"'":
            string = "S"
        elif string.isidentifier() and not keyword.iskeyword(string) and string not in BUILTINS:
            string = "V"
        if len(out) >= budget:
            break
        out.append(Token("t:" + string, file, line))
    return out
