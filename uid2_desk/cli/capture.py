"""The operator command's capture: what it serves goes to the journal, and to the terminal.

``uid2-desk operator`` journals every request it serves into the journal of its data
directory (one session per run), and with ``--watch`` prints one line per request as it is
journaled: time, client, method and path, HTTP and UID2 status, guide step; a failure adds a
``why:`` line with the explanation. The building and journaling run in a worker process
(:mod:`uid2_desk.cli.capture_worker`), so serving keeps its interpreter to itself.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from secrets import token_hex
from typing import TextIO

from uid2_desk.cli.capture_process import CaptureShipper
from uid2_desk.cli.capture_worker import REQUESTS, SEEN, CaptureJob
from uid2_desk.journal import JOURNAL_FILE
from uid2_desk.journal.model import new_session_id
from uid2_desk.journal.sessions import OPERATOR_TAG, PROXY_TAG
from uid2_desk.protocol.clock import Clock
from uid2_desk.proxy.keys import ClientSecrets

#: What marks a session produced by ``uid2-desk operator``, and by ``uid2-desk proxy``.
OPERATOR_SESSION_TAG = OPERATOR_TAG
PROXY_SESSION_TAG = PROXY_TAG


class OperatorCapture:
    """The capture of one ``uid2-desk operator`` (or ``proxy``) run: worker and printer.

    ``client_secrets`` (the proxy's) are the client secrets the worker may open envelopes with.

    Attributes:
        sink: the server's capture sink (served requests, or what the proxy saw).
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
        client_secrets: ClientSecrets | None = None,
    ) -> None:
        proxy = tag == PROXY_SESSION_TAG
        self._command = "proxy" if proxy else "operator"
        self._what = "forwarded calls" if proxy else "served requests"
        self.session = new_session_id(clock.now_ms(), f"{tag}{token_hex(2)}")
        self._out = out or sys.stdout
        job = CaptureJob(
            journal=str(data_dir / JOURNAL_FILE),
            session=self.session,
            environment=environment,
            watch=watch,
            # The operator ships what it served; the proxy what it saw pass, which the
            # worker opens with the proxy's secrets.
            kind=SEEN if proxy else REQUESTS,
            secrets=client_secrets or ClientSecrets(),
            upstream=environment,
        )
        self.sink = CaptureShipper(job, self._print if watch else None)

    def start(self) -> None:
        """Start the worker and open the journal (raises
        :class:`~uid2_desk.protocol.errors.StorageError`)."""
        self.sink.start()

    def launch(self) -> None:
        """Start the worker without waiting: it starts while the server gets ready."""
        self.sink.launch()

    def ready(self) -> None:
        """Wait for the launched worker to open the journal (raises
        :class:`~uid2_desk.protocol.errors.StorageError`)."""
        self.sink.ready()

    def stop(self, give_up: threading.Event | None = None) -> None:
        """Journal what is still waiting, then close; say if anything was lost.

        A stop that takes a while says what it waits for; setting ``give_up`` (a second
        Ctrl-C) leaves the rest unjournaled, counted.
        """
        self.sink.stop(give_up, self._waiting_note)
        tally, what = self.sink.tally, self._what
        reasons = []
        if tally.dropped:
            reasons.append(f"{tally.dropped} did not fit the capture's buffer")
        if tally.failed:
            reasons.append(f"{tally.failed}: {tally.last_error or 'the capture failed'}")
        if reasons:
            lost = tally.dropped + tally.failed
            print(
                f"uid2-desk {self._command}: {lost} {what} were not journaled "
                f"({'; '.join(reasons)})",
                file=sys.stderr,
            )
        if self.sink.watch_error:
            print(
                f"uid2-desk {self._command}: --watch stopped printing ({self.sink.watch_error}); "
                "the journal has every line's request",
                file=sys.stderr,
            )

    def _waiting_note(self, waiting: int) -> None:
        print(
            f"uid2-desk {self._command}: journaling {waiting} {self._what} still waiting "
            "(Ctrl-C again to leave them unjournaled)",
            file=sys.stderr,
            flush=True,
        )

    def _print(self, lines: list[str]) -> None:
        for line in lines:
            print(line, file=self._out)
        self._out.flush()
