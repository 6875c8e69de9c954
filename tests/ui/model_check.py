"""pytest-qt's item-model tester, called through a typed name (its ``check`` is untyped)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel
from pytestqt.modeltest import ModelTester


def check_model(tester: ModelTester, model: QAbstractItemModel) -> None:
    """Run Qt's model consistency checks on ``model`` (fails the test on a violation)."""
    check: Callable[[QAbstractItemModel], None] = tester.check
    check(model)
