"""What an advertising token says about itself, as (field, value) rows for people to read."""

from __future__ import annotations

from uid2_desk.protocol.tokens_model import TokenHeader

__all__ = ["header_rows"]


def header_rows(header: TokenHeader) -> list[tuple[str, str]]:
    """The header as (field, value) pairs for display."""
    scope = "UID2 (v2 tokens do not say)" if header.scope is None else header.scope.name
    kind = "unknown (v2)" if header.identity_type is None else header.identity_type.name.lower()
    return [
        ("Version", f"v{int(header.version)}"),
        ("Scope", scope),
        ("Identity type", kind),
        ("Master key id", str(header.master_key_id)),
        ("Encoding", header.encoding),
        ("Length", f"{header.length} characters"),
    ]
