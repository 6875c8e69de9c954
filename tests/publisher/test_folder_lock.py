"""One desk per data folder: a second desk on the same folder is refused and told who holds it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.publisher.conftest import START_MS, open_desk
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.services.folder_lock import FolderInUseError, FolderLock


@pytest.mark.asyncio
async def test_a_second_desk_on_the_same_folder_is_refused_until_the_first_closes(
    tmp_path: Path,
) -> None:
    first = await open_desk(tmp_path / "desk", ManualClock(START_MS))
    try:
        with pytest.raises(FolderInUseError, match=f"process {os.getpid()}") as refused:
            await open_desk(tmp_path / "desk", ManualClock(START_MS))
        assert refused.value.holder == os.getpid()
        assert "--data-dir" in str(refused.value)
    finally:
        await first.services.aclose()
    second = await open_desk(tmp_path / "desk", ManualClock(START_MS))
    await second.services.aclose()


def test_the_lock_names_another_process_and_dies_with_it(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path;"
            "from uid2_desk.services.folder_lock import FolderLock;"
            "lock = FolderLock.acquire(Path(sys.argv[1]));"
            "print('held', flush=True); time.sleep(60)",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(FolderInUseError) as refused:
            FolderLock.acquire(tmp_path)
        assert refused.value.holder == holder.pid
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    lock = FolderLock.acquire(tmp_path)  # killed: the OS freed the lock
    assert lock.held
    lock.release()
