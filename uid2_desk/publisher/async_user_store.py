"""The user store for asyncio code: :class:`AsyncUserStore`, one worker thread, never blocking.

Under qasync the event loop is the GUI thread, so no call may wait on disk there: each one
runs on the store's own single worker thread, in order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from uid2_desk.protocol.cancel_safe import open_cancel_safe, to_the_end, undone_on_failure
from uid2_desk.publisher.model import ChainLink
from uid2_desk.publisher.store import STORE_FILE, UserStore
from uid2_desk.publisher.user_record import UserRecord

_T = TypeVar("_T")


class AsyncUserStore:
    """:class:`UserStore` on one worker thread: every call is awaited, never blocking the loop."""

    def __init__(self, store: UserStore) -> None:
        self.sync = store
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="desk-store")
        self._closed = False

    @classmethod
    async def open(cls, data_dir: Path) -> AsyncUserStore:
        """Open (creating if needed) ``<data_dir>/desk.sqlite3``."""
        # Cancelled while the file opens: the store is closed once open (no connection left).
        store = await open_cancel_safe(
            asyncio.to_thread(UserStore, data_dir / STORE_FILE),
            lambda s: asyncio.to_thread(s.close),
        )
        return cls(store)

    @classmethod
    async def open_loaded(cls, data_dir: Path) -> tuple[AsyncUserStore, list[UserRecord]]:
        """:meth:`open`, then :meth:`load`; a failed or cancelled load closes the store again."""
        store = await cls.open(data_dir)
        return store, await undone_on_failure(store.load(), store.close)

    async def _call(self, fn: Callable[[], _T]) -> _T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn)

    async def load(self) -> list[UserRecord]:
        """Every user, in the order they were added."""
        return await self._call(self.sync.load)

    async def save(self, record: UserRecord) -> None:
        """Insert or update the user's row."""
        await self._call(lambda: self.sync.save(record))

    async def add_link(self, user_id: str, link: ChainLink) -> None:
        """Append one generate/refresh to the user's chain."""
        await self._call(lambda: self.sync.add_link(user_id, link))

    async def remove(self, user_id: str) -> None:
        """Delete the user and their chain."""
        await self._call(lambda: self.sync.remove(user_id))

    async def close(self) -> None:
        """Close the database and stop the worker thread (idempotent)."""
        if self._closed:
            return
        self._closed = True
        # To the end: a cancelled caller must not leave the worker thread running. The
        # executor's shutdown waits for nothing by then (the close was its last job).
        await to_the_end(self._call(self.sync.close))
        self._executor.shutdown(wait=True)
