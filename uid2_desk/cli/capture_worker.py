"""The capture worker: a process of its own that builds and journals what a server served.

``uid2-desk operator`` and ``uid2-desk proxy`` serve on one interpreter; building each
request's exchange (decrypted halves, explanation) and journaling it costs more CPU than
serving it, so it runs here, in a child process on the CPU time serving leaves (see
:func:`yield_to_the_server`), and the server only records plain values and ships them in
batches (:mod:`uid2_desk.cli.capture_process`).

Messages: the parent sends batches, each one message (see
:mod:`~uid2_desk.cli.capture_process`): served requests as
:mod:`~uid2_desk.operator.capture.portable` writes them (the operator), or what the proxy saw
pass as :mod:`~uid2_desk.proxy.seen` writes it (opened here with the proxy's secrets); an
empty message (or the pipe's end) stops the worker. The worker answers ``("opened", "")`` or
``("refused", why)`` once, then ``("journaled", count, watch_lines)`` after each committed
group and ``("failed", count, why)`` for what it could not journal; its end of the pipe
closing says it is done.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from uid2_desk.cli.watch import watch_lines
from uid2_desk.journal.capture_feed import CaptureSession, write_batch
from uid2_desk.journal.capture_users import ChainUsers
from uid2_desk.journal.store import Journal
from uid2_desk.operator.capture import portable
from uid2_desk.operator.capture.builder import CapturedRequest
from uid2_desk.protocol.capture import CapturedClient
from uid2_desk.protocol.errors import StorageError
from uid2_desk.protocol.exchange import Exchange
from uid2_desk.proxy import seen
from uid2_desk.proxy.keys import ClientSecrets
from uid2_desk.proxy.seen import Seen, SeenOpener
from uid2_desk.publisher.checks.session import lower_priority
from uid2_desk.walkthrough.captured import captured_step

#: The most exchanges journaled in one transaction (one fsync).
GROUP = 2000
#: The most messages gathered before journaling them.
MOST_MESSAGES = 40
#: While messages keep coming, how long the worker gathers them before it journals them.
#: Each commit is an fsync, and the kernel's journaling work for it runs beside the server
#: at normal priority: a commit every quarter second instead of one per shipped batch (every
#: 50 ms) gave the server 3-6 % more throughput in the same runs.
GATHER_S = 0.25
#: A pause this long ends the gathering: longer than the shipper's cadence (50 ms), so it
#: means the burst is over and what came is journaled now.
LULL_S = 0.075
#: What a job's batches hold: what the operator served, or what the proxy saw pass.
REQUESTS, SEEN = "requests", "seen"
#: One item as the server hands it over: a served request's record, or what the proxy saw.
Shipped = portable.Record | Seen
#: One item as the worker reads it back, ready to build.
Captured = CapturedRequest | Seen


def encode_batch(kind: str, batch: list[Any]) -> bytes:
    """One message of ``batch`` (served requests or seen ones, as ``kind`` says)."""
    return portable.dumps(batch) if kind == REQUESTS else seen.dumps(batch)


@dataclass(frozen=True)
class CaptureJob:
    """What the worker journals into, what it is sent, and whether it reports watch lines.

    Attributes:
        journal: the journal file.
        session: the journal session of this run.
        environment: the environment name stored on each entry.
        watch: send the ``--watch`` lines of each committed batch back.
        kind: what the batches hold (:data:`REQUESTS` or :data:`SEEN`).
        secrets: for :data:`SEEN`, the client secrets to open envelopes with (they reach
            the worker through its start-up pipe, never a file; their ``repr`` hides them).
        upstream: for :data:`SEEN`, the upstream environment's name.
    """

    journal: str
    session: str
    environment: str
    watch: bool
    kind: str = REQUESTS
    secrets: ClientSecrets = field(default_factory=ClientSecrets)
    upstream: str = ""


class ExchangeMaker:
    """Reads a job's messages and builds each item's exchange (in order: the proxy's
    opener learns refresh keys as it goes)."""

    def __init__(self, job: CaptureJob) -> None:
        self._kind = job.kind
        self._opener = SeenOpener(job.secrets, job.upstream)

    def items(self, message: bytes) -> list[Captured]:
        """The items of one :func:`encode_batch` message."""
        if self._kind == REQUESTS:
            return list(portable.loads(message))
        return list(seen.loads(message))

    def exchange(self, item: Captured) -> Exchange:
        """The exchange of one item."""
        if isinstance(item, CapturedRequest):
            return item.exchange()
        return self._opener.exchange(item)


def yield_to_the_server() -> None:
    """Run only on CPU time the server and its clients leave (Linux: ``SCHED_IDLE``).

    On two cores a request's round trip wakes the client and the server in turn; a worker
    that merely runs at a lower priority still takes the core one of them wakes on, and the
    server's throughput paid for it (0.74-0.88 of no capture, against 0.81-0.91 with
    ``SCHED_IDLE`` in the same runs). An idle-class worker is set aside the moment either
    wakes. It still runs when they wait, and a stop waits for it; where the class does not
    exist it runs at a lower priority instead.
    """
    idle = getattr(os, "SCHED_IDLE", None)
    if idle is not None:
        with contextlib.suppress(OSError):
            os.sched_setscheduler(0, idle, os.sched_param(0))
            return
    lower_priority()  # Not reached in tests: a system without the idle class (macOS, Windows).


class Replies:
    """The worker's answers to its parent; once the parent is gone, they are dropped.

    A parent killed with ``kill -9`` closes its end: the worker must still journal everything
    it was sent (it reads until its own pipe ends), without a traceback for each answer.
    """

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self.parent_gone = False

    def send(self, message: tuple[Any, ...]) -> None:
        """Send ``message`` unless the parent is gone."""
        if self.parent_gone:
            return
        try:
            self._connection.send(message)
        except (OSError, ValueError):
            self.parent_gone = True


def run_worker(requests: Connection, replies: Connection, job: CaptureJob) -> None:
    """The worker's whole life: open the journal, journal batches until told to stop."""
    # Ctrl-C in a terminal (or a stop of the whole group) reaches every process: the worker
    # must outlive its parent's stop to journal what it was sent, so the pipe ends it. Its
    # parent held SIGINT back while starting it (see capture_process): ignore, then release.
    for name in ("SIGINT", "SIGTERM"):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    yield_to_the_server()
    answers = Replies(replies)
    try:
        journal = Journal.open(Path(job.journal))
    except StorageError as exc:
        answers.send(("refused", str(exc)))
        return
    answers.send(("opened", ""))
    try:
        journal_until_stopped(journal, requests, answers, job)
    finally:
        journal.close()  # the pipe's end then tells the parent the worker is done


def journal_until_stopped(
    journal: Journal, requests: Connection, replies: Replies, job: CaptureJob
) -> None:
    """Journal every batch received, until an empty message or the parent's end of the pipe."""
    target = CaptureSession(job.session, job.environment, captured_step, ChainUsers())
    maker = ExchangeMaker(job)
    ended = False
    while not ended:
        messages, ended = gathered_messages(requests)
        items: list[Captured] = []
        for message in messages:
            try:
                items += maker.items(message)
            except Exception as exc:  # a bug of ours: its items are counted lost by the parent
                why = f"a batch could not be read ({type(exc).__name__})"
                replies.send(("failed", 0, why))
        exchanges, skipped = _exchanges(maker, items, replies)
        if skipped:
            replies.send(("journaled", skipped, []))  # the desk's own: accounted for, not kept
        for first in range(0, len(exchanges), GROUP):
            _journal_group(journal, exchanges[first : first + GROUP], target, replies, job)


def gathered_messages(
    requests: Connection, clock: Callable[[], float] = time.monotonic
) -> tuple[list[bytes], bool]:
    """The next message and, while more keep coming, the burst's others: one commit for them.

    Waits for one message, then gathers what follows for up to :data:`GATHER_S`, ending the
    batch early at a :data:`LULL_S` pause (a single request is journaled about as soon as it
    arrives) or at :data:`MOST_MESSAGES`. Returns the messages, and whether the stream ended.
    """
    messages: list[bytes] = []
    try:
        message = requests.recv_bytes()
        deadline = clock() + GATHER_S
        while message:
            messages.append(message)
            wait = min(LULL_S, deadline - clock())
            if len(messages) >= MOST_MESSAGES or wait <= 0 or not requests.poll(wait):
                return messages, False
            message = requests.recv_bytes()
    except (EOFError, OSError):  # the parent is gone (killed): what came is journaled
        pass
    return messages, True


def _journal_group(
    journal: Journal,
    group: list[Exchange],
    target: CaptureSession,
    replies: Replies,
    job: CaptureJob,
) -> None:
    try:
        entries = write_batch(journal, group, target)
    except StorageError as exc:  # a full disk: count, say so, keep going
        replies.send(("failed", len(group), str(exc)))
        return
    except Exception as exc:  # a bug of ours: say it, count them, keep going
        replies.send(("failed", len(group), f"not journaled ({type(exc).__name__}: {exc})"))
        return
    lines: list[str] = []
    if job.watch and not replies.parent_gone:
        with contextlib.suppress(Exception):  # a line we cannot make is not a lost entry
            lines = [line for e in entries for line in watch_lines(e)]
    replies.send(("journaled", len(entries), lines))


def _exchanges(
    maker: ExchangeMaker, items: list[Captured], replies: Replies
) -> tuple[list[Exchange], int]:
    """Each item's exchange, and how many were the desk's own calls (the desk journals those)."""
    built: list[Exchange] = []
    skipped = 0
    for item in items:
        try:
            exchange = maker.exchange(item)
            desk = (client := CapturedClient.of(exchange)) is not None and client.is_desk
        except Exception as exc:  # an odd request the builder cannot read: say so, go on
            why = f"a served request could not be read ({type(exc).__name__}: {exc})"
            replies.send(("failed", 1, why))
            continue
        if desk:
            skipped += 1
        else:
            built.append(exchange)
    return built, skipped
