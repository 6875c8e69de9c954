"""``uid2-desk operator``: run the local operator alone, for other clients (design.md §3).

Prints the URL it listens on, optionally writes a credentials file (mode 0600, written
atomically so a reader never sees half of it, and before "listening" is printed), and runs
until Ctrl-C or SIGTERM, then stops cleanly with exit status 0. API keys and secrets are never
printed; without ``--credentials-out`` it says how to get them. A data directory or
credentials file it cannot write is refused up front with one line and exit status 2.
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

from uid2_desk.cli.capture import OperatorCapture
from uid2_desk.operator.http.server import OperatorServer
from uid2_desk.operator.local_operator import LocalOperator
from uid2_desk.operator.state.lifetimes import Lifetimes
from uid2_desk.output_files import check_writable_target, temporary_beside
from uid2_desk.protocol.clock import SystemClock
from uid2_desk.protocol.errors import InputError, StorageError
from uid2_desk.protocol.loopback import is_loopback_host
from uid2_desk.settings import resolve_data_dir

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def write_credentials(path: Path, document: dict[str, object]) -> None:
    """Write ``document`` as JSON to ``path``, readable by the owner only, atomically."""
    path = path.expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = temporary_beside(path)  # created 0600
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
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
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
    credentials_out: str | None = getattr(args, "credentials_out", None)
    try:
        data_dir = usable_data_dir(getattr(args, "data_dir", None))
        if credentials_out:
            _check_credentials_target(Path(credentials_out))
    except InputError as refused:
        print(f"uid2-desk operator: {refused}", file=sys.stderr)
        return EXIT_USAGE
    stop = threading.Event()
    # From the capture worker's start to its end a signal only sets ``stop``: a Ctrl-C at any
    # moment ends the run through the same path, never with a traceback or a worker left.
    with stop_on_signals(stop):
        return _run(args, data_dir, lifetimes, stop, credentials_out)


def _run(
    args: argparse.Namespace,
    data_dir: Path,
    lifetimes: Lifetimes,
    stop: threading.Event,
    credentials_out: str | None,
) -> int:
    clock = SystemClock()
    capture = OperatorCapture(data_dir, clock, watch=bool(getattr(args, "watch", False)))
    capture.launch()  # the capture worker starts while the operator opens its state
    try:
        operator = LocalOperator.open(
            data_dir,
            clock=clock,
            lifetimes=lifetimes,
            legacy_v1=bool(getattr(args, "legacy_v1", False)),
        )
    except StorageError as exc:  # the --data-dir given cannot be used: bad input, as above
        capture.stop()
        print(f"uid2-desk operator: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        capture.ready()
    except StorageError as exc:
        operator.close()
        print(f"uid2-desk operator: {exc}", file=sys.stderr)
        return EXIT_FAILED
    operator.capture_requests_to(capture.sink)
    try:
        code = _configure_and_serve(operator, args, stop, credentials_out)
    finally:
        operator.capture_requests_to(None)
        stop.clear()  # from here a signal means: stop waiting for the capture
        capture.stop(give_up=stop)  # after the server stopped: every served request goes in
        operator.close()
    if code == EXIT_OK:  # last, after the capture's last --watch lines
        print("UID2 local operator stopped.", flush=True)
    return code


def _configure_and_serve(
    operator: LocalOperator,
    args: argparse.Namespace,
    stop: threading.Event,
    credentials_out: str | None,
) -> int:
    host: str = getattr(args, "host", "127.0.0.1")
    port: int = getattr(args, "port", 8080)
    allow_remote = bool(getattr(args, "allow_remote", False))
    try:
        operator.cstg.add_names(
            getattr(args, "cstg_domain", None) or (), getattr(args, "cstg_app_name", None) or ()
        )
    except InputError as refused:
        print(f"uid2-desk operator: {refused}", file=sys.stderr)
        return EXIT_USAGE
    if stop.is_set():  # stopped while starting: never listen
        return EXIT_OK
    return _serve(operator, stop, (host, port, allow_remote), credentials_out)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def usable_data_dir(explicit: str | None) -> Path:
    """The data directory, created if needed and proven writable (or ``InputError``)."""
    try:
        path = resolve_data_dir(explicit)
        # Prove we can create files there before the database tries (and fails obscurely).
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        where = explicit or exc.filename or "the data directory"
        raise InputError(
            f"cannot use {where} as the data directory ({_reason(exc)}); "
            "pass --data-dir with a directory you can write"
        ) from None
    return path


def _check_credentials_target(path: Path) -> None:
    try:
        check_writable_target(path)
    except InputError as refused:
        raise InputError(
            f"the credentials file: {refused}; pass --credentials-out with a regular file in "
            "a folder you can write"
        ) from None


def _credentials_problem(path: Path, exc: OSError) -> str:
    return (
        f"cannot write the credentials file {path} ({_reason(exc)}); "
        "pass --credentials-out with a file in a directory you can write"
    )


def _serve(
    operator: LocalOperator,
    stop: threading.Event,
    where: tuple[str, int, bool],
    credentials_out: str | None,
) -> int:
    host, port, allow_remote = where
    server = OperatorServer(operator, host, port, allow_remote=allow_remote)
    try:
        base_url = server.start()
    except (OSError, OverflowError) as exc:
        print(f"uid2-desk operator: cannot listen on {host}:{port}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        if credentials_out:
            # Written before "listening" is announced: a client waiting for that line
            # may read the file at once, and a failure must not follow the announcement.
            try:
                _write_credentials_for(operator, base_url, Path(credentials_out))
            except OSError as exc:
                print(
                    f"uid2-desk operator: {_credentials_problem(Path(credentials_out), exc)}",
                    file=sys.stderr,
                )
                return EXIT_USAGE
        _announce(operator, base_url, credentials_out)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    return EXIT_OK


def _write_credentials_for(operator: LocalOperator, base_url: str, path: Path) -> None:
    document = operator.credentials.to_json(base_url)
    document["admin"] = {"token": operator.admin_token}
    # Client-side generation: what a page or app needs (the private key stays in the store).
    document["cstg"] = operator.cstg.settings.to_json()
    write_credentials(path, document)


def _announce(operator: LocalOperator, base_url: str, credentials_out: str | None) -> None:
    """Print where the operator listens and where its credentials are (never the keys)."""
    life = operator.lifetimes
    print(f"UID2 local operator listening on {base_url}", flush=True)
    print(f"  data directory: {operator.data_dir} (what it serves is journaled there)")
    print(
        f"  lifetimes: refresh_from {life.refresh_from_s} s, identity {life.identity_s} s, "
        f"refresh {life.refresh_s} s"
    )
    if operator.legacy_v1:
        print(
            "  legacy v1: GET /v1/token/generate, /v1/token/refresh, /v1/token/validate "
            "(as operators served them before July 2025)"
        )
    cstg = operator.cstg.settings
    print(
        f"  client-side generation: subscription id {cstg.subscription_id}, server public key "
        f"{cstg.server_public_key}"
    )
    allowed = ", ".join([*cstg.domain_names, *cstg.app_names]) or "nothing yet"
    print(f"    pages and apps allowed: {allowed}")
    if credentials_out:
        print(f"  credentials written to {credentials_out} (mode 0600)")
    else:
        print(
            "  credentials: not printed; restart with --credentials-out FILE to get working "
            "API keys and secrets in a file only you can read"
        )
    print("Press Ctrl-C to stop.", flush=True)
