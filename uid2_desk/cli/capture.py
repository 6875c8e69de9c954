"""The operator command's capture: what it serves goes to the journal, and to the terminal.

``uid2-desk operator`` journals every request it serves into the journal of its data
directory (one session per run), and with ``--watch`` prints one line per request as it is
journaled: time, client, method and path, HTTP and UID2 status, guide step; a failure adds a
``why:`` line with the explanation.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from uid2_desk.cli.watch import watch_lines
from uid2_desk.journal import JOURNAL_FILE
from uid2_desk.journal.capture_feed import CaptureFeed, CaptureJournaler, CaptureSession
from uid2_desk.journal.capture_users import ChainUsers
from uid2_desk.journal.model import JournalEntry, new_session_id
from uid2_desk.journal.sessions import OPERATOR_TAG, PROXY_TAG
from uid2_desk.protocol.clock import Clock
from uid2_desk.walkthrough.captured import captured_step

#: What marks a session produced by ``uid2-desk operator``, and by ``uid2-desk proxy``.
OPERATOR_SESSION_TAG = OPERATOR_TAG
PROXY_SESSION_TAG = PROXY_TAG


class OperatorCapture:
    """The capture of one ``uid2-desk operator`` (or ``proxy``) run: feed, writer, printer.

    Attributes:
        feed: the operator's capture sink.
        session: the journal session this run writes.
    """

    def __init__(
        self,
        data_dir: Path,
        clock: Clock,
        *,
        watch: bool,
        out: TextIO | None = None,
        environment: str = "local",
        tag: str = OPERATOR_SESSION_TAG,
    ) -> None:
        self.feed = CaptureFeed()
        self._command = "proxy" if tag == PROXY_SESSION_TAG else "operator"
        tag = f"{tag}{secrets.token_hex(2)}"
        self.session = new_session_id(clock.now_ms(), tag)
        self._out = out or sys.stdout
        target = CaptureSession(
            session=self.session,
            environment=environment,
            step_of=captured_step,
            user_of=ChainUsers(),
        )
        printer: Callable[[list[JournalEntry]], None] | None = self._print if watch else None
        self._journaler = CaptureJournaler(self.feed, data_dir / JOURNAL_FILE, target, printer)

    def start(self) -> None:
        """Open the journal (raises :class:`~uid2_desk.protocol.errors.StorageError`)."""
        self._journaler.start()

    def stop(self) -> None:
        """Journal what is still waiting, then close; say if anything was lost."""
        self._journaler.stop()
        lost = self.feed.dropped + self._journaler.failed
        if lost:
            reason = self._journaler.last_error or "the capture buffer was full"
            print(
                f"uid2-desk {self._command}: {lost} served requests were not journaled ({reason})",
                file=sys.stderr,
            )

    def _print(self, entries: list[JournalEntry]) -> None:
        for entry in entries:
            for line in watch_lines(entry):
                print(line, file=self._out)
        self._out.flush()
