"""The one owner-only helper: new files are born 0600, older readable ones (and their SQLite
side files) are narrowed, private ones are left alone, and all three stores use it."""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from uid2_desk.owner_only import FILE_MODE, make_owner_only, side_files

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The usual umask, which alone would make new files 0644."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("usual_umask")
def test_a_missing_file_is_created_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"

    make_owner_only(path)

    assert path.exists()
    assert path.read_bytes() == b""
    assert _mode(path) == FILE_MODE == 0o600


@pytest.mark.usefixtures("usual_umask")
def test_sqlite_side_files_are_born_private_once_the_database_is(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    make_owner_only(path)

    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE t (x)")
        db.execute("INSERT INTO t VALUES (1)")
        db.commit()
        wal, shm, _ = side_files(path)
        assert wal.exists()
        assert shm.exists()
        assert [_mode(f) for f in (path, wal, shm)] == [0o600, 0o600, 0o600]
    finally:
        db.close()


@pytest.mark.parametrize("older_mode", [0o644, 0o664, 0o640, 0o666, 0o604])
def test_a_file_and_its_side_files_left_readable_by_others_are_narrowed(
    tmp_path: Path, older_mode: int
) -> None:
    path = tmp_path / "old.sqlite3"
    files = (path, *side_files(path))
    for file in files:
        file.write_bytes(b"left by an older desk")
        file.chmod(older_mode)

    make_owner_only(path)

    assert [_mode(f) for f in files] == [0o600] * 4
    assert all(f.read_bytes() == b"left by an older desk" for f in files)  # contents untouched


def test_an_already_private_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "private.sqlite3"
    path.write_bytes(b"x")
    path.chmod(0o400)  # read-only for the owner: private already, not ours to widen

    make_owner_only(path)

    assert _mode(path) == 0o400


def test_absent_side_files_are_not_created(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"

    make_owner_only(path)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.sqlite3"]
    assert [p.name for p in side_files(path)] == [
        "db.sqlite3-wal",
        "db.sqlite3-shm",
        "db.sqlite3-journal",
    ]


def test_a_file_that_cannot_be_created_raises_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        make_owner_only(tmp_path / "no-such-folder" / "db.sqlite3")


def _open_journal(path: Path) -> None:
    from uid2_desk.journal import Journal

    Journal.open(path).close()


def _open_user_store(path: Path) -> None:
    from uid2_desk.publisher.store import UserStore

    UserStore(path).close()


def _open_operator_store(path: Path) -> None:
    from uid2_desk.operator.state.store import OperatorStore

    OperatorStore(path).close()


@pytest.mark.usefixtures("usual_umask")
@pytest.mark.parametrize(
    "open_store",
    [_open_journal, _open_user_store, _open_operator_store],
    ids=["journal", "publisher store", "operator store"],
)
def test_every_store_the_desk_writes_is_created_and_kept_owner_only(
    tmp_path: Path, open_store: Callable[[Path], None]
) -> None:
    path = tmp_path / "store.sqlite3"
    open_store(path)
    assert _mode(path) == 0o600

    path.chmod(0o644)
    wal = side_files(path)[0]
    wal.write_bytes(b"")  # an empty WAL left behind: SQLite ignores it
    wal.chmod(0o644)
    open_store(path)

    assert _mode(path) == 0o600
    if wal.exists():  # a clean close may remove it
        assert _mode(wal) == 0o600


def test_no_other_module_of_the_desk_makes_files_private_by_hand() -> None:
    """One helper, not copies that drift apart (there were three)."""
    package = Path(__file__).resolve().parents[1] / "uid2_desk"
    by_hand = ("0o600", "O_CREAT", "S_IMODE", ".chmod(")
    offenders = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name != "owner_only.py"
        and any(token in path.read_text(encoding="utf-8") for token in by_hand)
    )
    assert offenders == []
