"""Command line of UID2 Desk (design.md §3): argument parsing and dispatch, nothing else.

The sub-commands' work lives in their layers; this module only parses and delegates, importing
each layer lazily so ``uid2-desk --version`` and ``uid2-desk operator`` never load Qt.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from uid2_desk import __version__

LIFETIME_PROFILES = ("demo", "local", "prod")
#: The journal's sub-commands and their functions in :mod:`uid2_desk.cli.sessions`.
_JOURNAL_COMMANDS = {
    "sessions": "list_sessions",
    "export": "export_session",
    "check": "check_session",
}
MAX_PORT = 65535


def port(text: str) -> int:
    """An argparse type: a TCP port, 0 (pick a free one) to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= MAX_PORT:
        raise argparse.ArgumentTypeError(
            f"{value} is not a port; use 0 to {MAX_PORT} (0 picks a free one)"
        )
    return value


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser for every sub-command."""
    parser = argparse.ArgumentParser(
        prog="uid2-desk",
        description="See a UID2 server-only integration happen, exchange by exchange.",
    )
    parser.add_argument("--version", action="version", version=f"uid2-desk {__version__}")
    parser.add_argument(
        "--env",
        default="local",
        help="environment: local (default), integ, prod, prod-usw, prod-au, prod-jp, prod-sg, "
        "prod-global, euid-integ, euid-prod, or a base URL",
    )
    parser.add_argument("--kiosk", action="store_true", help="start the full-screen kiosk shell")
    parser.add_argument("--scenario", help="with --kiosk: play only this scenario")
    parser.add_argument("--data-dir", help="where all state lives (default: $UID2_DESK_HOME)")
    parser.add_argument(
        "--operator-port",
        type=port,
        default=0,
        help="the desk's embedded operator listens on 127.0.0.1:PORT (default 0: a free port; "
        "a fixed one keeps your client's configuration valid across launches)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    op = sub.add_parser("operator", help="run the local UID2 operator alone, for other clients")
    op.add_argument("--host", default="127.0.0.1", help="interface to bind (default loopback)")
    op.add_argument("--port", type=port, default=8080, help="port; 0 picks a free one")
    op.add_argument("--data-dir", dest="data_dir", default=argparse.SUPPRESS)
    op.add_argument("--lifetimes", choices=LIFETIME_PROFILES, default="local")
    op.add_argument("--refresh-from", type=int, metavar="SECONDS", help="override refresh_from")
    op.add_argument("--identity-lifetime", type=int, metavar="SECONDS", help="override identity")
    op.add_argument("--refresh-lifetime", type=int, metavar="SECONDS", help="override refresh")
    op.add_argument("--credentials-out", metavar="FILE", help="write working credentials JSON")
    op.add_argument(
        "--watch",
        action="store_true",
        help="print one line per served request (and why it failed, if it did)",
    )
    op.add_argument(
        "--legacy-v1",
        action="store_true",
        help="also serve GET /v1/token/generate, /refresh and /validate (removed from real "
        "operators in July 2025) for the original v1 integration guides",
    )
    op.add_argument(
        "--cstg-domain",
        action="append",
        default=[],
        metavar="NAME",
        help="allow client-side generation from pages on this registrable domain (repeatable; "
        "localhost is allowed from the start); kept in the data directory",
    )
    op.add_argument(
        "--cstg-app-name",
        action="append",
        default=[],
        metavar="NAME",
        help="allow client-side generation from this app (Android package, iOS bundle id or "
        "App Store id; repeatable); kept in the data directory",
    )
    op.add_argument(
        "--allow-remote",
        action="store_true",
        help="permit binding a non-loopback interface (the operator is for testing only)",
    )

    _add_proxy(sub)

    sub.add_parser("scenarios", help="list the scenarios, one per line, name first")

    run = sub.add_parser("run", help="play a scenario headless; exit 0 only if all held")
    run.add_argument("name", metavar="SCENARIO")
    run.add_argument("--env", dest="run_env", default=None, help="environment (default local)")
    run.add_argument("--data-dir", dest="data_dir", default=argparse.SUPPRESS)
    run.add_argument("--report", metavar="FILE.md", help="write a Markdown report")
    run.add_argument("--har", metavar="FILE.har", help="write a HAR 1.2 file")
    run.add_argument("--jsonl", metavar="FILE.jsonl", help="write the journal as JSON lines")

    sessions = sub.add_parser("sessions", help="list the journal's sessions")
    sessions.add_argument("--data-dir", dest="data_dir", default=argparse.SUPPRESS)
    export = sub.add_parser("export", help="write a journal session as HAR, JSONL or Markdown")
    check = sub.add_parser("check", help="run the integration checks over a session's traffic")
    for journal_command in (export, check):
        journal_command.add_argument("--data-dir", dest="data_dir", default=argparse.SUPPRESS)
        journal_command.add_argument(
            "--session", default="latest", help="latest (default) or an id from 'sessions'"
        )
    inspect = sub.add_parser(
        "inspect",
        help="what an advertising token is (and, if the local operator issued it, what it holds)",
    )
    inspect.add_argument("token", metavar="TOKEN")
    inspect.add_argument("--data-dir", dest="data_dir", default=argparse.SUPPRESS)
    export.add_argument("--har", metavar="FILE.har", help="write a HAR 1.2 file")
    export.add_argument("--jsonl", metavar="FILE.jsonl", help="write JSON lines")
    export.add_argument("--report", metavar="FILE.md", help="write a Markdown report")
    return parser


def _add_proxy(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    proxy = sub.add_parser(
        "proxy", help="forward your client's calls to a real operator and show them decrypted"
    )
    proxy.add_argument(
        "--upstream",
        required=True,
        help="integ, prod, prod-REGION, euid-integ, euid-prod, or an https:// URL",
    )
    proxy.add_argument("--host", default="127.0.0.1", help="interface to bind (default loopback)")
    proxy.add_argument("--port", type=port, default=8081, help="port; 0 picks a free one")
    proxy.add_argument("--data-dir", dest="data_dir", default=argparse.SUPPRESS)
    proxy.add_argument("--watch", action="store_true", help="print one line per forwarded call")
    proxy.add_argument(
        "--credentials",
        action="append",
        default=[],
        metavar="FILE",
        help="JSON file of API keys and secrets to open envelopes with (repeatable; besides "
        "UID2_API_KEY/UID2_SECRET and the keychain)",
    )
    proxy.add_argument("--upstream-ca", metavar="FILE", help="trust this CA for the upstream")
    proxy.add_argument(
        "--yes-production",
        action="store_true",
        help="forward to production without asking (for automation)",
    )
    proxy.add_argument("--allow-remote", action="store_true", help="permit a non-loopback --host")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``uid2-desk`` console script."""
    args = build_parser().parse_args(argv)
    if args.command == "operator":
        from uid2_desk.cli.operator import run_operator

        return run_operator(args)
    if args.command == "proxy":
        from uid2_desk.cli.proxy import run_proxy

        return run_proxy(args)
    if args.command == "scenarios":
        from uid2_desk.cli.run import list_scenarios

        return list_scenarios(args)
    if args.command == "run":
        from uid2_desk.cli.run import run_scenario

        return run_scenario(args)
    if args.command == "inspect":
        from uid2_desk.cli.inspect import inspect_command

        return inspect_command(args)
    if args.command in _JOURNAL_COMMANDS:
        from uid2_desk.cli import sessions

        command: Callable[[argparse.Namespace], int] = getattr(
            sessions, _JOURNAL_COMMANDS[args.command]
        )
        return command(args)
    from uid2_desk.app import run_gui

    return run_gui(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
