"""The identity panel's refresh-policy line, in words (pure)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from uid2_desk.ui.common.timefmt import format_remaining

if TYPE_CHECKING:
    from uid2_desk.publisher.model import UserSnapshot

_POLICY_WORDS = {
    "manual": "manual (Refresh now only)",
    "automatic": "automatic, like the SDKs",
    "on_return": "when the user returns",
    "interval": "on a fixed interval",
}


def policy_line(snapshot: UserSnapshot | None, now_ms: int | None) -> str:
    """``Refresh policy: ... · next refresh in ... · n failed attempt(s)`` (``""``: no user).

    The next refresh is counted down only when ``now_ms`` is known.
    """
    if snapshot is None:
        return ""
    if snapshot.browser_held:
        return "Refresh policy: the browser's UID2 client refreshes it; the desk follows"
    policy = str(snapshot.policy)
    words = [f"Refresh policy: {_POLICY_WORDS.get(policy, policy)}"]
    if snapshot.next_refresh_ms is not None and now_ms is not None:
        words.append(f"next refresh {format_remaining(snapshot.next_refresh_ms, now_ms)}")
    if snapshot.attempts:
        words.append(f"{snapshot.attempts} failed attempt(s)")
    return " · ".join(words)
