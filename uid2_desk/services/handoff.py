"""The desk's hand-off: publish a user's identity on the hand-off page and follow the browser.

Joins the :class:`~uid2_desk.handoff.HandOffServer` (its own thread) to the publisher's
:class:`~uid2_desk.publisher.handoff.HandOffs` (the desk's event loop): the page's reports
cross to the loop with ``call_soon_threadsafe`` and are journaled there.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from uid2_desk.handoff import ClientScript, HandOffPage, HandOffServer, PageReport
from uid2_desk.handoff.script_setting import remember_script, remembered_script
from uid2_desk.protocol.errors import InputError
from uid2_desk.publisher.publisher import Publisher

_log = logging.getLogger(__name__)
#: Operator addresses a browser on this machine can reach.
_LOOPBACK = ("http://127.0.0.1:", "http://localhost:", "http://[::1]:")


class DeskHandOff:
    """Hands identities of one desk's users to web pages served on loopback.

    Attributes:
        base_url: the operator's base URL the page's client talks to.
        server: the page server, once a script was chosen.
    """

    def __init__(self, publisher: Publisher, base_url: str | None, data_dir: Path) -> None:
        self._publisher = publisher
        self._data_dir = data_dir
        self.base_url = base_url
        self.server: HandOffServer | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def remembered_script(self) -> str:
        """The web client script chosen last time (the desk's setting), or ``""``."""
        return remembered_script(self._data_dir)

    def use_script(self, script: str) -> ClientScript:
        """Serve pages with this web client (a file or URL) from now on, and remember it."""
        chosen = ClientScript.parse(script)
        remember_script(self._data_dir, script.strip())
        if self.server is None:
            loop = asyncio.get_running_loop()

            def forward(report: PageReport) -> None:
                loop.call_soon_threadsafe(self._take, report)

            self.server = HandOffServer(chosen, forward)
            self.server.start()
        else:
            self.server.script = chosen
        return chosen

    async def hand_off(self, user_id: str) -> str:
        """Hand the user's identity to the page; returns the page's URL."""
        if self.base_url is None or not self.base_url.startswith(_LOOPBACK):
            raise InputError(
                "A web page can only reach the operator the desk runs on loopback: start the "
                "desk on the local environment with --operator-mode loopback."
            )
        if self.server is None:
            raise InputError("Choose the web client script first (Hand off → Web client).")
        identity = await self._publisher.handoffs.hand_off(user_id)
        snapshot = self._publisher.snapshot(user_id)
        page = HandOffPage(user_id, snapshot.user.label, identity.to_body(), self.base_url)
        return self.server.publish(page)

    async def page_reported(self, report: PageReport) -> None:
        """Journal one report of the page's client (on the loop)."""
        await self._publisher.handoffs.page_report(report.user_id, report.kind, report.summary)

    def close(self) -> None:
        """Stop serving pages."""
        if self.server is not None:
            self.server.stop()
            self.server = None

    def _take(self, report: PageReport) -> None:
        task = asyncio.get_running_loop().create_task(self.page_reported(report))
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            _log.warning("a page report was not journaled: %s", task.exception())
