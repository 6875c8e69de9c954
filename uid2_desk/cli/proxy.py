"""``uid2-desk proxy``: the team's client talks to a real operator through the desk.

Resolves the upstream (``integ``, ``prod-usw``, a URL...), gathers the client secrets the
proxy may open envelopes with, asks before forwarding anything to production (or takes
``--yes-production``), then serves the proxy on loopback and journals every forwarded request
into the data directory's journal, one session per run, as ``uid2-desk operator`` does.
"""

from __future__ import annotations

import argparse
import ssl
import sys
import threading

from uid2_desk.cli.capture import PROXY_SESSION_TAG, OperatorCapture
from uid2_desk.cli.operator import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    stop_on_signals,
    usable_data_dir,
)
from uid2_desk.cli.proxy_secrets import gather_secrets
from uid2_desk.protocol.clock import SystemClock
from uid2_desk.protocol.errors import InputError, StorageError
from uid2_desk.protocol.loopback import is_loopback_host
from uid2_desk.proxy.app import ProxyApp
from uid2_desk.proxy.pool import verifying_context
from uid2_desk.proxy.server import ProxyServer
from uid2_desk.proxy.upstream import Upstream
from uid2_desk.services.proxy_setup import upstream_of as upstream_for


def upstream_of(value: str) -> tuple[Upstream, str]:
    """The upstream for ``--upstream`` and its display name (raises :class:`InputError`)."""
    upstream, env = upstream_for(value)
    return upstream, env.display_name


def run_proxy(args: argparse.Namespace) -> int:
    """Run the proxy in the foreground until interrupted; return the exit status."""
    host: str = args.host
    try:
        upstream, display = upstream_of(args.upstream)
        if not is_loopback_host(host) and not args.allow_remote:
            raise InputError(
                f"refusing to bind {host}: the proxy binds loopback only; add --allow-remote "
                "if you really mean to let other machines use it"
            )
        secrets = gather_secrets(upstream.name, list(args.credentials or []))
        verify = _verify(args.upstream_ca)
        data_dir = usable_data_dir(getattr(args, "data_dir", None))
    except InputError as refused:
        print(f"uid2-desk proxy: {refused}", file=sys.stderr)
        return EXIT_USAGE
    if upstream.production and not _confirmed(display, bool(args.yes_production)):
        return EXIT_USAGE
    clock = SystemClock()
    capture = OperatorCapture(
        data_dir,
        clock,
        watch=bool(args.watch),
        environment=upstream.name,
        tag=PROXY_SESSION_TAG,
        client_secrets=secrets,
    )
    stop = threading.Event()
    # From the capture worker's start to its end a signal only sets ``stop`` (no traceback,
    # no worker left behind, whenever it comes).
    with stop_on_signals(stop):
        try:
            capture.start()
        except StorageError as exc:
            print(f"uid2-desk proxy: {exc}", file=sys.stderr)
            return EXIT_FAILED
        app = ProxyApp(upstream, secrets, ship=capture.sink, verify=verify, clock=clock)
        try:
            code = _forward(app, args, stop, (upstream, display, len(secrets), data_dir))
        finally:
            stop.clear()  # from here a signal means: stop waiting for the capture
            capture.stop(give_up=stop)
    if code == EXIT_OK:  # last, after the capture's last --watch lines
        print("UID2 Desk proxy stopped.", flush=True)
    return code


def _forward(
    app: ProxyApp,
    args: argparse.Namespace,
    stop: threading.Event,
    about: tuple[Upstream, str, int, object],
) -> int:
    host: str = args.host
    if stop.is_set():  # stopped while starting: never listen
        return EXIT_OK
    server = ProxyServer(app, host, args.port, allow_remote=bool(args.allow_remote))
    try:
        base_url = server.start()
    except (OSError, OverflowError, RuntimeError) as exc:
        print(f"uid2-desk proxy: cannot listen on {host}:{args.port}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        _announce(base_url, *about)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    return EXIT_OK


def _verify(ca_file: str | None) -> ssl.SSLContext | bool:
    """Verify the upstream's certificate: with certifi's roots, or with ``--upstream-ca``."""
    if not ca_file:
        return True
    try:
        return verifying_context(ca_file)
    except (OSError, ssl.SSLError) as exc:
        raise InputError(f"cannot use {ca_file} as the upstream's CA certificate ({exc})") from None


def _confirmed(display: str, yes: bool) -> bool:
    """Ask before forwarding real users' traffic to production (``--yes-production`` agrees)."""
    if yes:
        print(f"Forwarding to {display}: confirmed with --yes-production.", flush=True)
        return True
    if not sys.stdin.isatty():
        print(
            f"uid2-desk proxy: {display} is production; nothing is forwarded there without a "
            "confirmation. Run it in a terminal to be asked, or pass --yes-production.",
            file=sys.stderr,
        )
        return False
    answer = input(
        f"{display} is production: every call your client makes through the proxy reaches "
        "the real operator, with real users' data. Forward? Type 'yes': "
    )
    if answer.strip().lower() == "yes":
        return True
    print("uid2-desk proxy: not confirmed; nothing was forwarded.", file=sys.stderr)
    return False


def _announce(base_url: str, upstream: Upstream, display: str, keys: int, data_dir: object) -> None:
    print(f"UID2 Desk proxy listening on {base_url}", flush=True)
    print(f"  forwarding to {display} at {upstream.base_url} (PROXY → {upstream.label})")
    print(f"  point your client at {base_url} instead of {upstream.base_url}")
    opened = f"{keys} API key{'s' if keys != 1 else ''}" if keys else "no API key"
    print(f"  opens envelopes of {opened} (secrets not shown); everything else passes sealed")
    print(f"  data directory: {data_dir} (what passes is journaled there)")
    print("Press Ctrl-C to stop.", flush=True)
