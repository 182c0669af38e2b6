"""The import graph runs one way (DESIGN.md §5): ui/web → core → store, and no circles.

Read from the source with ``ast``, not by importing: a wrong import in a function
body (run only on some tap) counts as much as one at the top. ``kiosk.clock`` and
``kiosk.i18n`` sit beside the layers, so anyone may import them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kiosk"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking(node: ast.AST) -> bool:
    """``if TYPE_CHECKING:`` — imports for the type checker only, never run."""
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports_in(nodes, module: str, is_package: bool, out: list) -> None:
    for node in nodes:
        if _type_checking(node):
            continue
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the module's package, one level up per extra dot
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[:len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:  # ``from kiosk.core import wall`` imports the module kiosk.core.wall
                sub = f"{source}.{alias.name}"
                out.append((sub if sub in MODULES else source, node.lineno))
        _imports_in(ast.iter_child_nodes(node), module, is_package, out)

def imports(module: str) -> list[tuple[str, int]]:
    """(imported module, line) of every import in the module, at any depth: one inside
    a function runs on some later call, and still ties the two modules together."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    out: list[tuple[str, int]] = []
    _imports_in(tree.body, module, path.name == "__init__.py", out)
    return out


def under(name: str, *roots: str) -> bool:
    return any(name == r or name.startswith(r + ".") for r in roots)


def offenders(layer: str, forbidden: tuple[str, ...]) -> list[str]:
    return [f"{m} line {line} imports {target}"
            for m in MODULES if under(m, layer)
            for target, line in imports(m) if under(target, *forbidden)]


def test_the_reader_sees_imports_at_every_depth():
    """The checks below mean something only if the reader finds function-level and
    relative imports: a known one of each."""
    found = {t for t, _ in imports("kiosk.core.activities")}
    assert "importlib" in found  # module level
    vote = {t for t, _ in imports("kiosk.core.activities.vote")}
    assert "kiosk.core.wall" in vote and "kiosk.core.activities" in vote  # from ..wall, from . import
    plan = {t for t, _ in imports("kiosk.core.plan")}
    assert "kiosk.core.loader" in plan  # inside Plan's _problems function


def test_the_store_imports_nothing_above_it():
    assert offenders("kiosk.store", ("kiosk.core", "kiosk.ui", "kiosk.web", "kiosk.cli")) == []


def test_the_core_imports_neither_the_screens_nor_the_web_nor_kivy():
    assert offenders("kiosk.core", ("kiosk.ui", "kiosk.web", "kiosk.cli", "kivy", "http", "socketserver")) == []


def test_the_web_does_not_import_the_screens():
    assert offenders("kiosk.web", ("kiosk.ui", "kivy")) == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each as a path
    that walks the circle, so the report says which import closes it."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1 or v in graph.get(v, ()):
                groups.append(group)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    out = []
    for group in groups:  # one circle through the group, for the message
        start = min(group)
        path, seen = [start], {start}
        while True:
            nxt = sorted(w for w in graph[path[-1]] if w in group)
            back = [w for w in nxt if w == start]
            if back or not nxt:
                out.append(path + [start])
                break
            fresh = [w for w in nxt if w not in seen] or nxt
            path.append(fresh[0])
            if fresh[0] in seen:
                out.append(path)
                break
            seen.add(fresh[0])
    return out


def import_graph() -> dict[str, set[str]]:
    """Imports between kiosk modules. A circle closed by an import inside a function
    counts: it works only because of the order things are imported in (the export and
    its PDF were one such circle). The registry's own import of its activity modules
    (by name, through importlib) is how plug-ins work and is not read here."""
    return {m: {t for t, _ in imports(m) if t in MODULES and t != m} for m in MODULES}


def test_there_are_no_import_cycles():
    cycles = _cycles(import_graph())
    assert cycles == [], "import cycles: " + "; ".join(" → ".join(c) for c in cycles)


def test_the_cycle_finder_finds_a_circle_and_names_it():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("layer, forbidden", [("kiosk.store", ("kiosk.core",)), ("kiosk.core", ("kiosk.ui",))])
def test_a_wrong_import_in_a_function_would_be_caught(tmp_path, monkeypatch, layer, forbidden):
    """The rule reads function bodies too: a module with an import inside a function
    that breaks the layering is named, with its line."""
    fake = tmp_path / "kiosk" / Path(*layer.split(".")[1:]) / "sneaky.py"
    fake.parent.mkdir(parents=True)
    fake.write_text(f"def later():\n    import {forbidden[0]}.x\n", encoding="utf-8")
    monkeypatch.setitem(MODULES, f"{layer}.sneaky", fake)
    assert offenders(layer, forbidden) == [f"{layer}.sneaky line 2 imports {forbidden[0]}.x"]


def _screen_modules() -> dict[str, str]:
    """kiosk.ui.app's SCREENS (screen name → module in kiosk.ui), read from the source."""
    tree = ast.parse(MODULES["kiosk.ui.app"].read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "SCREENS" for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError("kiosk.ui.app has no SCREENS")


def test_no_screen_imports_another_screen():
    """What two screens share lives in kiosk.ui.widgets, kiosk.ui.text or the core, so a
    screen is never another's library (the picker was the plan's and the team's)."""
    screens = {f"kiosk.ui.{m}" for m in _screen_modules().values()}
    assert len(screens) >= 9
    found = [f"{m} line {line} imports {target}"
             for m in sorted(screens) for target, line in imports(m)
             if target in screens and target != m]
    assert found == []


def test_every_screen_keeps_the_screen_contract():
    """Each screen class subclasses kiosk.ui.screen.KioskScreen, whose tick() the app
    calls without asking whether the screen has one."""
    plain = []
    for module in sorted({f"kiosk.ui.{m}" for m in _screen_modules().values()}):
        tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and node.name.endswith("Screen"):
                if [ast.unparse(b) for b in node.bases] != ["KioskScreen"]:
                    plain.append(f"{module}.{node.name}")
    assert plain == []
    app = MODULES["kiosk.ui.app"].read_text(encoding="utf-8")
    assert 'hasattr(current, "tick")' not in app
