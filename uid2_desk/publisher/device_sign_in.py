"""Signing in as the app's UID2 SDK does: client-side generate, then automatic refresh.

``UID2Manager.generateIdentity`` (Android, iOS, tvOS) makes the identity on the device and
then keeps it fresh on its own while the app runs; the desk's automatic policy is that
refresh. What the person types as the device is an app name (``com.example.app``) or, for a
web page, an origin (``http://localhost:8080``).
"""

from __future__ import annotations

from uid2_desk.client.cstg_site import DESK_APP_NAME
from uid2_desk.protocol.errors import InputError
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher.model import SignInMode, UserSnapshot
from uid2_desk.publisher.publisher import Publisher
from uid2_desk.publisher.refresh.policy import PolicyKind


def device_of(text: str) -> tuple[str | None, str | None]:
    """``(app_name, origin)`` of what was typed: an origin has a scheme, an app name not."""
    text = text.strip() or DESK_APP_NAME
    if "://" in text:
        if not text.startswith(("http://", "https://")) or text.rstrip("/").count("/") > 2:
            raise InputError(
                f"{text!r} is not a page origin: use scheme and host only, e.g. "
                "http://localhost:8080 or https://www.example.com."
            )
        return None, text.rstrip("/")
    if any(ch.isspace() for ch in text):
        raise InputError(f"{text!r} is not an app name: use the app id, e.g. com.example.tv.")
    return text, None


async def sign_in_as_sdk(
    publisher: Publisher, kind: DiiKind, raw: str, device: str = ""
) -> UserSnapshot:
    """Sign in client-side as ``device``; with an identity, refresh automatically from now on."""
    app_name, origin = device_of(device)
    snapshot = await publisher.sign_in(
        kind, raw, mode=SignInMode.CLIENT, app_name=app_name, origin=origin
    )
    if snapshot.identity is not None and snapshot.policy is not PolicyKind.AUTOMATIC:
        snapshot = await publisher.set_policy(snapshot.user_id, PolicyKind.AUTOMATIC)
    return snapshot
