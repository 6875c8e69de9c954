"""Files the user names are written only as regular files: never through a link, a pipe or a device.

Reproductions from the attack review (issue 16): exports and ``--credentials-out`` used to
replace whatever was at the path (as root, ``--jsonl /dev/full`` replaced ``/dev/full``), and
an unwritable export path was found only after the scenario had made its calls.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.integration.cli import desk_env, uid2_desk
from uid2_desk.journal.export_common import write_text_atomic
from uid2_desk.output_files import check_writable_target
from uid2_desk.protocol.errors import InputError, StorageError


@pytest.fixture
def odd_paths(tmp_path: Path) -> dict[str, Path]:
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    return {"symbolic link": link, "named pipe": fifo, "device": Path("/dev/null")}


def test_an_export_refuses_a_link_a_pipe_and_a_device(
    odd_paths: dict[str, Path], tmp_path: Path
) -> None:
    for kind, path in odd_paths.items():
        with pytest.raises(StorageError, match=kind):
            write_text_atomic(path, "data")
    assert (tmp_path / "precious.txt").read_text() == "keep me"
    assert Path("/dev/null").is_char_device()


def test_a_new_file_and_a_regular_one_are_written(tmp_path: Path) -> None:
    fresh, existing = tmp_path / "new" / "a.md", tmp_path / "b.md"
    existing.write_text("old")
    check_writable_target(fresh)
    write_text_atomic(fresh, "one")
    write_text_atomic(existing, "two")
    assert (fresh.read_text(), existing.read_text()) == ("one", "two")


def test_a_folder_is_not_a_file_to_write(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="it is a folder"):
        check_writable_target(tmp_path)


def test_run_refuses_a_bad_export_path_before_the_first_call(
    odd_paths: dict[str, Path], tmp_path: Path
) -> None:
    env = desk_env(tmp_path)
    data = tmp_path / "data"
    result = uid2_desk(
        "run", "server-only", "--data-dir", str(data), "--jsonl", str(odd_paths["named pipe"]),
        env=env, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert "it is a named pipe" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (data / "journal.sqlite3").exists()  # nothing was played


def test_the_operator_refuses_a_credentials_file_that_is_a_link(
    odd_paths: dict[str, Path], tmp_path: Path
) -> None:
    result = uid2_desk(
        "operator", "--port", "0", "--data-dir", str(tmp_path / "op"),
        "--credentials-out", str(odd_paths["symbolic link"]),
        env=desk_env(tmp_path), cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert "it is a symbolic link" in result.stderr
    assert (tmp_path / "precious.txt").read_text() == "keep me"


def test_a_name_just_under_the_limit_is_written_and_one_over_it_is_refused_with_why(
    tmp_path: Path,
) -> None:
    longest = tmp_path / ("e" * 250 + ".json")  # 255 bytes: the temporary name must still fit
    check_writable_target(longest)
    write_text_atomic(longest, "{}")
    assert longest.read_text() == "{}"
    assert [p.name for p in tmp_path.iterdir()] == [longest.name]  # no temporary file left

    too_long = tmp_path / ("é" * 128 + ".json")  # 261 bytes in UTF-8, though 133 characters
    with pytest.raises(InputError, match=r"its name is 261 bytes long.*choose a shorter name"):
        check_writable_target(too_long)
    with pytest.raises(StorageError, match=r"File name too long\); choose a shorter file name"):
        write_text_atomic(too_long, "{}")
