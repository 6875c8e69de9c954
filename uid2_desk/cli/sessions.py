"""``uid2-desk sessions``, ``export`` and ``check``: the journal of a data directory, headless.

- ``sessions`` lists the journal's sessions: id, start, what produced it, exchange count.
- ``export --session latest|ID`` writes any session as HAR, JSON Lines or a Markdown report
  and says how many entries each file holds.
- ``check --session latest|ID`` runs the integration checks over a session's traffic: one
  line per finding (``FAIL``, ``WARN`` or ``PASS`` first); exit 1 when any FAIL, else 0.

Each exits 2 with one line when it cannot run (no journal there, an unknown session, a file
that cannot be written).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from uid2_desk.journal import JOURNAL_FILE, EntryKind, Journal, JournalEntry, JournalFilter
from uid2_desk.journal.export_har import write_har
from uid2_desk.journal.export_jsonl import write_jsonl
from uid2_desk.protocol.errors import InputError, StorageError
from uid2_desk.publisher.checks import Severity, run_checks
from uid2_desk.report.markdown import write_report
from uid2_desk.settings import resolve_data_dir

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def list_sessions(args: argparse.Namespace) -> int:
    """``uid2-desk sessions``: one line per session, oldest first."""
    return _with_journal(args, "sessions", _print_sessions)


def export_session(args: argparse.Namespace) -> int:
    """``uid2-desk export``: write the session's files; say how many entries each holds."""
    targets = {name: getattr(args, name, None) for name in ("har", "jsonl", "report")}
    if not any(targets.values()):
        print(
            "uid2-desk export: say what to write: --har F, --jsonl F or --report F", file=sys.stderr
        )
        return EXIT_USAGE

    def export(journal: Journal) -> int:
        session, entries = _session_entries(journal, args)
        writers = {"har": write_har, "jsonl": write_jsonl}
        for name, path in targets.items():
            if not path:
                continue
            if name == "report":
                write_report(Path(path), entries, title=f"UID2 Desk session {session}")
            else:
                writers[name](Path(path), entries)
            print(f"{path}: {len(entries)} entries of session {session}")
        return EXIT_OK

    return _with_journal(args, "export", export)


def check_session(args: argparse.Namespace) -> int:
    """``uid2-desk check``: the findings, one per line; exit 1 when any FAIL."""

    def check(journal: Journal) -> int:
        session, entries = _session_entries(journal, args)
        findings = run_checks(entries)
        exchanges = sum(1 for e in entries if e.kind is EntryKind.EXCHANGE)
        print(f"Session {session}: {exchanges} exchanges")
        for finding in findings:
            print(finding.line())
        failed = any(f.severity is Severity.FAIL for f in findings)
        return EXIT_FAILED if failed else EXIT_OK

    return _with_journal(args, "check", check)


def _print_sessions(journal: Journal) -> int:
    # The same summary the desk's File ▸ Earlier sessions… lists (one query), oldest first.
    sessions = list(reversed(journal.session_infos()))
    if not sessions:
        print("The journal has no sessions yet.")
        return EXIT_OK
    print(f"{'session':<32} {'started':<19} {'produced by':<20} exchanges")
    for info in sessions:
        started = datetime.fromtimestamp(info.started_ms / 1000).strftime("%Y-%m-%d %H:%M:%S")
        print(f"{info.session:<32} {started:<19} {info.producer:<20} {info.exchanges}")
    return EXIT_OK


def _session_entries(journal: Journal, args: argparse.Namespace) -> tuple[str, list[JournalEntry]]:
    wanted = str(getattr(args, "session", "latest") or "latest")
    sessions = journal.sessions()
    if not sessions:
        raise InputError("the journal has no sessions yet")
    if wanted == "latest":
        session = sessions[-1]
    elif wanted in sessions:
        session = wanted
    else:
        raise InputError(f"no session {wanted!r}; 'uid2-desk sessions' lists them")
    entries = journal.entries(JournalFilter(session=session), limit=None, with_exchanges=True)
    return session, entries


def _with_journal(args: argparse.Namespace, command: str, work: Callable[[Journal], int]) -> int:
    try:
        data_dir = resolve_data_dir(getattr(args, "data_dir", None))
        path = data_dir / JOURNAL_FILE
        if not path.is_file():
            raise InputError(f"no journal in {data_dir} (pass --data-dir with the desk's folder)")
        with Journal.open(path) as journal:
            return work(journal)
    except (InputError, StorageError, OSError) as exc:
        print(f"uid2-desk {command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
