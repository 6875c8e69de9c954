"""Keys for a request after a jump of the clock, made and saved off the serving thread.

The key ring keeps successors ahead of its clock (:meth:`KeyRing.prepare`, from the
background writer), so as time runs no request has to make a key. A time warp past every
prepared key is the exception: a key made on the request path lives only in memory until the
writer's next flush, and a desk killed in that second leaves every token it signed
unrefreshable. So before such a request is handled, the keys it may sign with are made and
saved, in a worker thread: the serving loop may be the desk's window, which never waits on
the disk.
"""

from __future__ import annotations

import contextlib

import anyio
import anyio.to_thread

from uid2_desk.operator.state.keys import KeyRing
from uid2_desk.protocol.errors import StorageError

#: How long a request waits for its keys to be saved. Another operator on the data directory
#: may hold the database for seconds: the request then goes on and makes the key in memory,
#: which the writer saves (the ring's last resort).
KEYS_WAIT_S = 0.25


async def keys_ready(keys: KeyRing, now_ms: int) -> None:
    """Make and save the keys a request at ``now_ms`` may sign with, waiting at most
    :data:`KEYS_WAIT_S`; a database that refuses is the writer's to report."""
    # A full disk: the request goes on, and the writer says why.
    with anyio.move_on_after(KEYS_WAIT_S), contextlib.suppress(StorageError):
        await anyio.to_thread.run_sync(keys.prepare, now_ms, abandon_on_cancel=True)
