"""A plain ``pip install .`` (a wheel, not editable) carries the scenarios, styles and icons.

The wheel is built from this checkout, unpacked into a folder of its own, and run from
elsewhere, so nothing can come from the source tree.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.cli import REPO


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(root), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = root.glob("uid2_desk-*.whl")
    site = root / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    return site


def _run(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UID2_")}
    env["PYTHONPATH"] = str(site)
    env["UID2_DESK_HOME"] = str(cwd / "home")
    return subprocess.run(
        [sys.executable, "-m", "uid2_desk", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_the_installed_wheel_lists_and_plays_its_scenarios(
    installed_wheel: Path, tmp_path: Path
) -> None:
    listed = _run(installed_wheel, tmp_path, "scenarios")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("automatic ")
    played = _run(installed_wheel, tmp_path, "run", "server-only")
    assert played.returncode == 0, played.stdout + played.stderr
    assert "All 4 steps held their expectations." in played.stdout
    assert (installed_wheel / "uid2_desk" / "_resources" / "styles").is_dir()
    assert not (installed_wheel / "uid2_desk" / "_resources" / "screenshots").exists()
