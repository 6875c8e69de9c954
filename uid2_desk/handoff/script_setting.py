"""The web client script the person chose for hand-off pages, remembered in the data dir.

A small JSON file (``handoff.json``) beside the desk's other state; it holds a path or URL
and nothing secret.
"""

from __future__ import annotations

import json
from pathlib import Path

SETTING_FILE = "handoff.json"


def remembered_script(data_dir: Path) -> str:
    """The script chosen last time, or ``""``; a damaged file counts as none."""
    try:
        document = json.loads((data_dir / SETTING_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    value = document.get("client_script") if isinstance(document, dict) else None
    return value if isinstance(value, str) else ""


def remember_script(data_dir: Path, script: str) -> None:
    """Remember ``script`` for the next hand-off (and the next desk)."""
    path = data_dir / SETTING_FILE
    path.write_text(json.dumps({"client_script": script}) + "\n", encoding="utf-8")
