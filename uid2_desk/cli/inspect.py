"""``uid2-desk inspect TOKEN``: what a pasted advertising token is, and what it holds.

The clear header needs no key (version, UID2 or EUID, email or phone, encoding, master key
id). The contents need the issuing operator's keys: the desk has them for its own local
operator, so a token that operator issued is decrypted too (raw UID, site, times, privacy
bits); any other token says why it stays closed.
"""

from __future__ import annotations

import argparse
import base64
import sys
from datetime import UTC, datetime
from pathlib import Path

from uid2_desk.operator import Lifetimes, LocalOperator
from uid2_desk.protocol.errors import Uid2DeskError
from uid2_desk.protocol.token_facts import header_rows
from uid2_desk.protocol.token_reading import read_token
from uid2_desk.protocol.tokens import AdvertisingTokenContents
from uid2_desk.protocol.tokens_model import key_lookup
from uid2_desk.settings import resolve_data_dir

EXIT_OK = 0
EXIT_USAGE = 2
#: Where a data directory keeps its local operator: the desk's in ``operator/``, the
#: operator command's in the directory itself.
OPERATOR_FILE = "operator.sqlite3"


def inspect_command(args: argparse.Namespace) -> int:
    """Print the token's header and, when the local operator issued it, its contents."""
    # The desk's Tools ▸ Inspect a token reads the same way (protocol.token_reading).
    reading = read_token(str(args.token), None, no_keys="")
    if reading.header is None:
        problem = reading.problem[:1].lower() + reading.problem[1:]
        print(f"uid2-desk inspect: {problem}", file=sys.stderr)
        return EXIT_USAGE
    for field, value in header_rows(reading.header):
        print(f"{field + ':':<16}{value}")
    print(_contents(reading.token, getattr(args, "data_dir", None)))
    return EXIT_OK


def _contents(token: str, data_dir_arg: str | None) -> str:
    operator_dir = _operator_dir(resolve_data_dir(data_dir_arg))
    if operator_dir is None:
        return "Contents:       closed (no local operator in this data directory holds the keys)"
    try:
        with LocalOperator.open(operator_dir, lifetimes=Lifetimes.local()) as operator:
            reading = read_token(token, key_lookup(operator.admin.all_keys()), no_keys="")
    except Uid2DeskError as exc:
        return f"Contents:       closed ({exc})"
    if reading.contents is None:
        return f"Contents:       closed ({reading.closed})"
    return "\n".join(f"{field + ':':<16}{value}" for field, value in _rows(reading.contents))


def _operator_dir(data_dir: Path) -> Path | None:
    for candidate in (data_dir / "operator", data_dir):
        if (candidate / OPERATOR_FILE).is_file():
            return candidate
    return None


def _rows(contents: AdvertisingTokenContents) -> list[tuple[str, str]]:
    def when(ms: int) -> str:
        return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds")

    return [
        ("Raw UID", base64.b64encode(contents.raw_uid).decode("ascii")),
        ("Site id", str(contents.publisher.site_id)),
        ("Established", when(contents.established_ms)),
        ("Refreshed", when(contents.refreshed_ms)),
        ("Expires", when(contents.expires_ms)),
        ("Privacy bits", f"{contents.privacy_bits:#x}"),
        ("Site key id", str(contents.site_key_id)),
        ("Operator site", str(contents.operator.site_id)),
    ]
