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
        advice = write_failure_advice(exc)
        raise InputError(f"cannot write {path} ({exc.strerror or exc}); {advice}") from None
    for test, kind in _KINDS:
        if test(mode):
            raise InputError(
                f"will not write {path}: it is {kind}, not a regular file; name a new file "
                "or an existing regular one"
            )


def check_writable_target(path: Path) -> None:
    """Fail now (``InputError``) if ``path`` could not be written as a regular file later."""
    target = Path(path).expanduser()
    length = name_length(target.name)
    if length > NAME_MAX:
        raise InputError(
            f"cannot write {path}: its name is {length} {NAME_UNITS} long, and file systems "
            f"take at most {NAME_MAX}; choose a shorter name"
        )
    refuse_unsafe_target(target)
    try:
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=target.parent):
            pass
    except OSError as exc:
        raise InputError(f"cannot write {path} ({exc.strerror or exc})") from None


#: Room kept in a file name for the temporary file's dot, separator and random suffix.
_TEMP_ROOM = 16
#: The longest file name most file systems take: 255 bytes (ext4, APFS), or 255 UTF-16
#: units on Windows (NTFS).
NAME_MAX = 255
NAME_UNITS = "UTF-16 units" if os.name == "nt" else "bytes"


def name_length(name: str) -> int:
    """How long ``name`` is, in the units its file system counts (see :data:`NAME_MAX`)."""
    if os.name == "nt":  # Not reached in tests: Windows counts UTF-16 code units.
        return len(name.encode("utf-16-le")) // 2
    return len(os.fsencode(name))


def temporary_beside(path: Path) -> tuple[int, str]:
    """A new temporary file (0600) in ``path``'s folder, named after it: ``(fd, name)``.

    The name keeps as much of ``path``'s name as fits, so a name near the file system's
    limit still gets a temporary file (the rename then says if the name itself is too long).
    """
    stem = os.fsencode(path.name)[: NAME_MAX - _TEMP_ROOM].decode("utf-8", "ignore")
    return tempfile.mkstemp(prefix=f".{stem}.", dir=path.parent)


def write_failure_advice(exc: OSError) -> str:
    """What to do about ``exc``, raised while writing a file the user named (a sentence's
    lower-case middle: the caller starts and ends it)."""
    if exc.errno == errno.ENAMETOOLONG:
        return f"choose a shorter file name (at most {NAME_MAX} bytes)"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "choose a folder you can write to"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "free some space on that disk, or choose another one"
    return "choose a folder you can write to and check the disk has free space"
