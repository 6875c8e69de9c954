"""Where the desk may write a file the user named: a new path or an existing regular file.

An export or a credentials file replaces its target atomically (a temporary file, then a
rename). Renaming over a symlink, a FIFO or a device node would replace that thing itself
(as root, ``--jsonl /dev/full`` once replaced ``/dev/full``), so anything but a regular file
is refused before a byte is written, and before a scenario makes its first call.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from uid2_desk.protocol.errors import InputError

_KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def refuse_unsafe_target(path: Path) -> None:
    """Raise :class:`InputError` unless ``path`` is new or an existing regular file."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InputError(f"cannot write {path} ({exc.strerror or exc})") from None
    for test, kind in _KINDS:
        if test(mode):
            raise InputError(
                f"will not write {path}: it is {kind}, not a regular file; name a new file "
                "or an existing regular one"
            )


def check_writable_target(path: Path) -> None:
    """Fail now (``InputError``) if ``path`` could not be written as a regular file later."""
    target = Path(path).expanduser()
    refuse_unsafe_target(target)
    try:
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=target.parent):
            pass
    except OSError as exc:
        raise InputError(f"cannot write {path} ({exc.strerror or exc})") from None
