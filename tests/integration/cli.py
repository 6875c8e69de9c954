"""Helpers to run ``python -m uid2_desk`` in a subprocess, the way a CI job would."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MERMAID_BLOCK = re.compile(r"```mermaid\n(.*?)\n```", re.DOTALL)


def desk_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A clean environment: no real keychain, no credentials, a private UID2_DESK_HOME."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("UID2_")}
    env["UID2_DESK_HOME"] = str(tmp_path / "desk-home")
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra)
    return env


def uid2_desk(
    *args: str, env: dict[str, str], cwd: Path, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m uid2_desk ARGS`` and capture its output as text."""
    return subprocess.run(
        [sys.executable, "-m", "uid2_desk", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )


def mermaid_blocks(markdown: str) -> list[str]:
    """Every fenced ``mermaid`` block of a Markdown text."""
    return MERMAID_BLOCK.findall(markdown)
