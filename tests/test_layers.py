"""The package layout (docs/architecture.md): every import in autograder/ goes down the layer order,
and no modules import each other in a circle.

Every module under autograder/ is parsed (never imported) and every `import` / `from ... import` in
it is read, those inside functions included; only imports under `if TYPE_CHECKING:` are left out
(they never run). An import names the module it loads (`from P import M` names P.M when M is a
module); the packages around that module are not counted as imported (Python runs a package's
__init__ first, and the stages' __init__ files import nothing of the grader).
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "autograder"

# Bottom first. A module may import modules of its own layer or of a layer below, never above.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("base", ("autograder.i18n", "autograder.assignment")),
    ("intake", ("autograder.intake",)),
    ("sandbox", ("autograder.sandbox",)),
    ("engine", ("autograder.engine",)),
    ("diagnosis", ("autograder.diagnosis",)),
    ("assignments", ("autograder.assignments",)),
    ("pipeline", ("autograder.pipeline",)),
    ("outputs", ("autograder.outputs",)),
    ("platforms", ("autograder.platforms",)),
    ("entry", ("autograder", "autograder.__main__")),     # the package itself: grade_submission, `-m`
]
# Old names kept for instructors' own assignment folders: the same module object as the new one.
# Nothing in autograder/ may import them.
SHIMS = {"autograder.cases": "autograder.engine.cases", "autograder.checks": "autograder.engine.checks"}
MAX_TOP_MODULES = 6
# Circles known and accepted, each exactly (none today; the test says when one is gone).
KNOWN_CIRCLES: list[set[str]] = []
WORKER = "autograder.sandbox.worker"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "__pycache__" not in p.parts}


def layer_of(module: str) -> int:
    """Index in LAYERS of MODULE (by its longest listed prefix); the shims count as their target."""
    module = SHIMS.get(module, module)
    best, found = -1, None
    for i, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            exact_only = prefix == "autograder"
            if (module == prefix or (not exact_only and module.startswith(prefix + "."))) and len(prefix) > best:
                best, found = len(prefix), i
    if found is None:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS (tests/test_layers.py) and "
                             "docs/architecture.md")
    return found


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> list[tuple[int, str, str]]:
    """(line, imported grader module, the import statement's text) for every import in PATH."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found: list[tuple[int, str, str]] = []

    def deepest(name: str) -> str:
        while name not in modules and "." in name:
            name = name.rsplit(".", 1)[0]
        return name

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking_only(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "autograder" or alias.name.startswith("autograder."):
                    found.append((node.lineno, deepest(alias.name), ast.get_source_segment(source, node)))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "autograder" or target.startswith("autograder."):
                for alias in node.names:
                    name = f"{target}.{alias.name}"
                    found.append((node.lineno, name if name in modules else deepest(target),
                                  ast.get_source_segment(source, node)))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return [(line, name, text) for line, name, text in found if name != module]


def graph() -> tuple[dict[str, Path], dict[str, list[tuple[int, str, str]]]]:
    modules = all_modules()
    return modules, {m: imports_of(m, p, modules) for m, p in modules.items()}


def upward_imports(modules, edges, root: Path = ROOT) -> list[str]:
    problems = []
    for module, found in sorted(edges.items()):
        if module in SHIMS:
            continue
        here = layer_of(module)
        for line, target, text in found:
            rel = modules[module].relative_to(root)
            if target in SHIMS:
                problems.append(f"{rel}:{line}: `{text}` imports the shim {target}; import {SHIMS[target]}")
            elif layer_of(target) > here:
                problems.append(f"{rel}:{line}: `{text}` goes up: {module} is in layer "
                                f"'{LAYERS[here][0]}', {target} in layer '{LAYERS[layer_of(target)][0]}' above it")
    return problems


def cycles(edges) -> list[tuple[set[str], list[str]]]:
    """Each strongly connected component of more than one module (Tarjan): (its modules, one circle
    through them as a path)."""
    succ = {m: sorted({t for _l, t, _s in found if t in edges}) for m, found in edges.items()}
    index, low, stack, on, comps, counter = {}, {}, [], set(), [], [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in succ[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(comp)

    for v in sorted(succ):
        if v not in index:
            strong(v)
    out = []
    for comp in comps:          # a concrete circle inside the component: walk until a module repeats
        members, path = set(comp), [min(comp)]
        while True:
            nxt = next(w for w in succ[path[-1]] if w in members)
            if nxt in path:
                out.append((members, path[path.index(nxt):] + [nxt]))
                break
            path.append(nxt)
    return out


def test_every_import_goes_down_the_layer_order():
    modules, edges = graph()
    problems = upward_imports(modules, edges)
    assert not problems, "imports that go up the layer order (docs/architecture.md):\n" + "\n".join(problems)


def test_no_import_circles():
    _modules, edges = graph()
    found = cycles(edges)
    new = [circle for members, circle in found if members not in KNOWN_CIRCLES]
    assert not new, "import circles:\n" + "\n".join(" -> ".join(c) for c in new)
    gone = [k for k in KNOWN_CIRCLES if k not in [members for members, _c in found]]
    assert not gone, f"these circles are gone: delete them from KNOWN_CIRCLES (tests/test_layers.py): {gone}"


def test_the_checker_catches_an_upward_import_and_a_circle(tmp_path):
    """The two tests above can fail: a planted upward import and a planted circle are reported."""
    modules = {"autograder.engine.a": tmp_path / "a.py", "autograder.engine.b": tmp_path / "b.py",
               "autograder.platforms.cli": tmp_path / "cli.py"}
    (tmp_path / "a.py").write_text("def f():\n    from autograder.platforms.cli import main\n"
                                   "    from autograder.engine import b\n")
    (tmp_path / "b.py").write_text("import autograder.engine.a\n")
    (tmp_path / "cli.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                     "    from autograder.engine import a\n")
    edges = {m: imports_of(m, p, modules) for m, p in modules.items()}
    problems = upward_imports(modules, edges, root=tmp_path)
    assert len(problems) == 1 and "a.py:2" in problems[0] and "autograder.platforms.cli" in problems[0] \
        and "goes up" in problems[0], problems
    assert [c for _m, c in cycles(edges)] == [["autograder.engine.a", "autograder.engine.b", "autograder.engine.a"]]
    assert edges["autograder.platforms.cli"] == []          # TYPE_CHECKING imports never run


def test_every_module_is_in_a_layer_and_the_top_is_small():
    modules = all_modules()
    for module in modules:
        layer_of(module)
    top = sorted(p.name for p in PACKAGE.glob("*.py"))          # __init__ and __main__ count too
    assert len(top) <= MAX_TOP_MODULES, f"modules at the top of autograder/: {top}"
    rest = [t for t in top if t not in ("__init__.py", "__main__.py")]
    assert {f"autograder.{Path(t).stem}" for t in rest} <= set(LAYERS[0][1]) | set(SHIMS), top


def test_the_shims_are_the_modules_they_stand_for():
    import importlib

    for old, new in SHIMS.items():
        assert importlib.import_module(old) is importlib.import_module(new)


def test_the_sandbox_worker_imports_nothing_of_the_grader():
    modules, edges = graph()
    assert edges[WORKER] == [], edges[WORKER]


def test_architecture_doc_states_the_same_order():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    line = next((ln for ln in text.splitlines() if ln.startswith("Layer order")), "")
    named = re.findall(r"`(\w+)`", line)
    assert named == [name for name, _p in LAYERS], (line, [name for name, _p in LAYERS])


@pytest.mark.parametrize("stage", ["intake", "sandbox", "engine", "diagnosis", "pipeline", "outputs", "platforms"])
def test_each_stage_says_what_it_owns_and_may_import(stage):
    doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8"))) or ""
    assert "Owns:" in doc and "May import" in doc, f"autograder/{stage}/__init__.py: say what the stage owns " \
        "and what it may import"
