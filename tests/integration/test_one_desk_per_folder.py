"""`uid2-desk run` on a data folder another desk holds: exit 2, naming the holding process."""

from __future__ import annotations

import os
from pathlib import Path

from tests.integration.cli import desk_env, uid2_desk
from uid2_desk.services.folder_lock import FolderLock


def test_a_run_on_a_folder_in_use_exits_2_and_says_which_process_holds_it(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    lock = FolderLock.acquire(data_dir)  # this test process plays the first desk
    try:
        result = uid2_desk(
            "run", "bid", "--data-dir", str(data_dir), env=desk_env(tmp_path), cwd=tmp_path
        )
    finally:
        lock.release()
    assert result.returncode == 2
    assert f"already in use by another UID2 Desk (process {os.getpid()})" in result.stderr
    assert "--data-dir" in result.stderr
    assert "Traceback" not in result.stderr
