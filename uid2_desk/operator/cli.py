"""``uid2-desk operator``: run the local operator alone, for other clients (design.md §3).

Prints the URL it listens on, optionally writes a credentials file (mode 0600, written
atomically so a reader never sees half of it), and runs until Ctrl-C or SIGTERM, then stops
cleanly with exit status 0. API keys and secrets are never printed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from uid2_desk.operator.lifetimes import Lifetimes
from uid2_desk.operator.local_operator import LocalOperator
from uid2_desk.operator.server import OperatorServer, is_loopback_host
from uid2_desk.protocol.clock import SystemClock
from uid2_desk.protocol.errors import StorageError
from uid2_desk.settings import resolve_data_dir

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def write_credentials(path: Path, document: dict[str, object]) -> None:
    """Write ``document`` as JSON to ``path``, readable by the owner only, atomically."""
    path = path.expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # created 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(document, fh, indent=2)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _lifetimes(args: argparse.Namespace) -> Lifetimes:
    return Lifetimes.profile(getattr(args, "lifetimes", "local") or "local").with_overrides(
        refresh_from_s=getattr(args, "refresh_from", None),
        identity_s=getattr(args, "identity_lifetime", None),
        refresh_s=getattr(args, "refresh_lifetime", None),
    )


@contextlib.contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Turn SIGINT and SIGTERM into ``stop.set()`` for the block, then restore the handlers.

    Installed before the server starts, so a signal that arrives right after the URL is
    printed still stops it cleanly.
    """

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_operator(args: argparse.Namespace) -> int:
    """Run the local operator in the foreground until interrupted; return the exit status."""
    host: str = getattr(args, "host", "127.0.0.1")
    port: int = getattr(args, "port", 8080)
    allow_remote: bool = bool(getattr(args, "allow_remote", False))
    try:
        lifetimes = _lifetimes(args)
    except ValueError as exc:
        print(f"uid2-desk operator: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not is_loopback_host(host):
        if not allow_remote:
            print(
                f"uid2-desk operator: refusing to bind {host}: the local operator is a test "
                "server and binds loopback only; add --allow-remote if you really mean it",
                file=sys.stderr,
            )
            return EXIT_USAGE
        print(
            f"WARNING: serving the local operator on {host}, reachable from other machines. "
            "Its credentials are for testing only; do not expose it to networks you do not "
            "control. The admin surface still answers loopback clients only.",
            file=sys.stderr,
        )
    try:
        operator = LocalOperator.open(
            resolve_data_dir(getattr(args, "data_dir", None)),
            clock=SystemClock(),
            lifetimes=lifetimes,
        )
    except StorageError as exc:
        print(f"uid2-desk operator: {exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        return _serve(operator, host, port, allow_remote, getattr(args, "credentials_out", None))
    finally:
        operator.close()


def _serve(
    operator: LocalOperator, host: str, port: int, allow_remote: bool, credentials_out: str | None
) -> int:
    stop = threading.Event()
    with _stop_on_signals(stop):
        server = OperatorServer(operator, host, port, allow_remote=allow_remote)
        try:
            base_url = server.start()
        except OSError as exc:
            print(f"uid2-desk operator: cannot listen on {host}:{port}: {exc}", file=sys.stderr)
            return EXIT_FAILED
        try:
            _announce(operator, base_url, credentials_out)
            while not stop.wait(0.5):
                pass
        finally:
            server.stop()
    print("UID2 local operator stopped.", flush=True)
    return EXIT_OK


def _announce(operator: LocalOperator, base_url: str, credentials_out: str | None) -> None:
    """Print where the operator listens and write the credentials file if asked."""
    life = operator.lifetimes
    print(f"UID2 local operator listening on {base_url}", flush=True)
    print(f"  data directory: {operator.data_dir}")
    print(
        f"  lifetimes: refresh_from {life.refresh_from_s} s, identity {life.identity_s} s, "
        f"refresh {life.refresh_s} s"
    )
    if credentials_out:
        document = operator.credentials.to_json(base_url)
        document["admin"] = {"token": operator.admin_token}
        write_credentials(Path(credentials_out), document)
        print(f"  credentials written to {credentials_out} (mode 0600)")
    print("Press Ctrl-C to stop.", flush=True)
