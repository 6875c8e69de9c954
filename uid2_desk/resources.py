"""Locates the top-level ``resources/`` folder (scenarios, style sheets, icons).

The folder sits beside the package in a source checkout or editable install, is copied in as
``uid2_desk/_resources`` by a wheel build, and sits under ``sys._MEIPASS`` in a PyInstaller
bundle. Callers ask for a path and never care which.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    """Return the directory holding the desk's resources."""
    here = Path(__file__).resolve().parent
    candidates = [here.parent / "resources", here / "_resources"]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.insert(0, Path(bundle) / "resources")
    for candidate in candidates:
        if (candidate / "scenarios").is_dir():
            return candidate
    raise FileNotFoundError(
        "UID2 Desk's resources folder is missing; reinstall the package "
        f"(looked in: {', '.join(str(c) for c in candidates)})"
    )


def resource_path(*parts: str) -> Path:
    """Return the path of a file inside the resources folder."""
    return resources_dir().joinpath(*parts)
