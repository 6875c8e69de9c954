"""The Qt-free core stays Qt-free: only uid2_desk/ui and uid2_desk/app.py may import Qt."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "uid2_desk"
QT_MODULES = ("PySide6", "qasync", "shiboken6")


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


def test_no_core_module_imports_qt() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            m for m in _imported_modules(path) if m.split(".")[0] in QT_MODULES
        )
        for path in _core_files()
    }
    offenders = {k: v for k, v in offenders.items() if v}
    assert offenders == {}, f"Qt imported outside uid2_desk/ui: {offenders}"


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
