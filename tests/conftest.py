"""Test-wide set-up: Qt renders offscreen unless a test opts into a real display."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATA_DIR = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def vectors() -> dict[str, Any]:
    """The official SDK's test vectors (copied from shared/vectors.json)."""
    with (DATA_DIR / "vectors.json").open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data
