"""Where the desk keeps its state: one data directory, chosen once.

Order: ``--data-dir``, then ``$UID2_DESK_HOME``, then the platform's user data directory.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_HOME = "UID2_DESK_HOME"


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the data directory to use, creating it if needed."""
    if explicit:
        path = Path(explicit)
    elif os.environ.get(ENV_HOME):
        path = Path(os.environ[ENV_HOME])
    else:
        path = Path(platformdirs.user_data_dir("uid2-desk", appauthor=False))
    path = path.expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path
