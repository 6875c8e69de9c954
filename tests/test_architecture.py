"""The house keeps its shape: the layer contracts hold, no import circle, no module too long.

The contracts themselves (which room may import which, the operator on its own, Qt only in
``uid2_desk/ui``) live in pyproject.toml under ``[tool.importlinter]``; this file runs them as
CI does, and adds what import-linter does not check: a circle through imports made only for
the type checker, the length of a module, and what importing the core really loads.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "uid2_desk"
QT_MODULES = ("PySide6", "qasync", "shiboken6")
#: The developers' guide: most modules under 200 lines, none over 300.
MAX_MODULE_LINES = 300


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _core_files() -> list[Path]:
    files = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "ui" or rel == Path("app.py"):
            continue
        files.append(path)
    return files


def test_the_import_contracts_in_pyproject_are_kept() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 broken" in result.stdout, result.stdout


def _import_circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            module, imported = work[-1]
            following = next(imported, None)
            if following is not None:
                if following not in index:
                    index[following] = low[following] = len(index)
                    stack.append(following)
                    on_stack.add(following)
                    imports = sorted(graph.find_modules_directly_imported_by(following))
                    work.append((following, iter(imports)))
                elif following in on_stack:
                    low[module] = min(low[module], index[following])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == module:
                        break
                if len(component) > 1:
                    circles.append(sorted(component))
    return circles


def test_no_import_circle_not_even_through_type_checking_imports() -> None:
    # A panel that names the window in a type hint is a panel that knows the window: the
    # circle counts even when it never runs.
    graph = grimp.build_graph("uid2_desk", exclude_type_checking_imports=False, cache_dir=None)
    assert _import_circles(graph) == []


def test_the_circle_finder_finds_a_circle() -> None:
    graph = grimp.ImportGraph()
    for module in ("a", "a.one", "a.two", "a.three", "a.alone"):
        graph.add_module(module)
    graph.add_import(importer="a.one", imported="a.two")
    graph.add_import(importer="a.two", imported="a.three")
    graph.add_import(importer="a.three", imported="a.one")
    graph.add_import(importer="a.alone", imported="a.one")
    assert _import_circles(graph) == [["a.one", "a.three", "a.two"]]


def test_no_module_is_longer_than_the_ceiling() -> None:
    lengths = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    too_long = {name: n for name, n in sorted(lengths.items()) if n > MAX_MODULE_LINES}
    assert too_long == {}, f"split these modules (at most {MAX_MODULE_LINES} lines): {too_long}"


def test_importing_every_core_module_loads_no_qt() -> None:
    modules = sorted(
        "uid2_desk." + ".".join(p.relative_to(PACKAGE).with_suffix("").parts)
        for p in _core_files()
        if p.name not in {"__main__.py"}
    )
    modules = [m.removesuffix(".__init__") for m in modules]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {QT_MODULES!r}]\n"
        "print(','.join(bad)); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_version_flag_works_without_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "uid2_desk", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout.startswith("uid2-desk ")


def test_no_module_selects_a_pyside_feature() -> None:
    """The desk imports its window past PySide's ``__feature__`` hook (uid2_desk/app.py).

    That is only sound while no module asks for snake_case or true_property: a module
    imported past the hook would silently get Qt's usual names instead.
    """
    users = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "__feature__" in _imported_modules(path)
    )
    assert users == []
