"""The publisher's values: test users, their states, identity chains, snapshots and events.

These are what the UI shows and what the publisher hands out; all frozen.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from uid2_desk.journal import JournalEntry
from uid2_desk.protocol.identity import Identity
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher.refresh.policy import PolicyKind


class SignInMode(StrEnum):
    """Who asked the operator for the user's first identity."""

    SERVER = "server"  # the publisher's server: /v2/token/generate with the API key
    CLIENT = "client"  # the device's UID2 SDK: /v2/token/client-generate (CSTG)

    @property
    def badge(self) -> str:
        """The users list's badge text."""
        return "Server-side" if self is SignInMode.SERVER else "Client-side (SDK)"


class UserState(StrEnum):
    """Where a test user's identity stands; named after the SDKs' identity statuses."""

    NO_IDENTITY = "no_identity"
    ESTABLISHED = "established"
    REFRESHED = "refreshed"
    REFRESH_DUE = "refresh_due"
    EXPIRED = "expired"
    REFRESH_EXPIRED = "refresh_expired"
    OPTED_OUT = "opted_out"
    INVALID = "invalid"

    @property
    def label(self) -> str:
        """A short human phrase for badges and reports."""
        return _STATE_LABELS[self]

    @property
    def has_usable_token(self) -> bool:
        """Whether the advertising token may be sent into the bidstream in this state."""
        return self in (UserState.ESTABLISHED, UserState.REFRESHED, UserState.REFRESH_DUE)


_STATE_LABELS = {
    UserState.NO_IDENTITY: "No identity",
    UserState.ESTABLISHED: "Established",
    UserState.REFRESHED: "Refreshed",
    UserState.REFRESH_DUE: "Refresh due",
    UserState.EXPIRED: "Expired (refreshable)",
    UserState.REFRESH_EXPIRED: "Refresh expired (login required)",
    UserState.OPTED_OUT: "Opted out",
    UserState.INVALID: "Invalid",
}


@dataclass(frozen=True)
class TestUser:
    """A person the desk signs in, as the publisher knows them.

    Attributes:
        id: stable id in the desk's database.
        kind: how the DII was entered (email, phone, or one of their hashes).
        entered: the text as typed.
        normalized: the normalized email or phone (``None`` for hashes).
        hash_b64: base64 SHA-256 of the normalized DII (what is sent unless ``send_raw``).
        environment: the id of the environment the user signed in on (identities are bound
            to it; see :func:`uid2_desk.client.environments.ensure_same_environment`).
        label: a display name.
        send_raw: send the normalized DII itself instead of its hash.
        mode: who signed the user in: the publisher's server or the device's SDK (CSTG).
        device: for a client-side user, the app name or page origin the device sent.
    """

    __test__ = False  # not a pytest test class, despite the name

    id: str
    kind: DiiKind
    entered: str
    normalized: str | None
    hash_b64: str
    environment: str
    label: str
    send_raw: bool = False
    mode: SignInMode = SignInMode.SERVER
    device: str = ""


@dataclass(frozen=True)
class ChainLink:
    """One generate or refresh in a user's identity chain.

    Attributes:
        at_ms: desk time of the call.
        action: ``generate`` or ``refresh``.
        outcome: the operator status (``success``, ``optout``...) or an error summary.
        advertising_token: the token obtained, if any.
        journal_seq: the journal entry of the exchange (0 if the journal was behind then).
    """

    at_ms: int
    action: str
    outcome: str
    advertising_token: str | None
    journal_seq: int


@dataclass(frozen=True)
class UserSnapshot:
    """Everything the UI shows about one user at one moment.

    Attributes:
        user: who.
        state: where their identity stands.
        identity: the current identity (kept on errors; ``None`` after opt-out or log-out).
        policy: their refresh policy.
        next_refresh_ms: when the policy refreshes next on its own, if it will.
        attempts: consecutive failed refresh attempts.
        last_error: the latest operation's user-facing error, cleared by a success.
        chain: generates and refreshes, oldest first.
        identity_set_ms: desk time when the current identity was stored.
        interval_ms: the interval policy's period.
        browser_held: a web page's UID2 client holds and refreshes the identity (the desk
            follows it and does not refresh it).
    """

    user: TestUser
    state: UserState
    identity: Identity | None
    policy: PolicyKind
    next_refresh_ms: int | None
    attempts: int
    last_error: str | None
    chain: tuple[ChainLink, ...]
    identity_set_ms: int | None = None
    interval_ms: int | None = None
    browser_held: bool = False

    @property
    def user_id(self) -> str:
        """Shortcut for ``user.id``."""
        return self.user.id


@dataclass(frozen=True)
class UserChanged:
    """A user's snapshot changed (state, identity, policy, attempts...)."""

    snapshot: UserSnapshot


@dataclass(frozen=True)
class UserRemoved:
    """A user was removed from the desk."""

    user_id: str


@dataclass(frozen=True)
class EntryAppended:
    """The publisher appended an entry to the journal."""

    entry: JournalEntry


@dataclass(frozen=True)
class JournalBehind:
    """How many entries wait for the journal (0: it caught up) and how many were dropped.

    Attributes:
        waiting: entries held for a retry (the operator's answers are applied regardless).
        dropped: entries lost because the wait buffer was full.
    """

    waiting: int
    dropped: int


#: How loud a :class:`Notice` is.
NoticeLevel = Literal["info", "warning", "error"]


@dataclass(frozen=True)
class Notice:
    """Something to tell the person: an error surfaced by an automatic refresh, a refusal...

    Attributes:
        level: ``info``, ``warning`` or ``error``.
        message: a complete sentence for a human.
        user_id: the user it concerns, if any.
    """

    level: NoticeLevel
    message: str
    user_id: str | None = None


#: Everything a publisher subscriber can receive.
DeskEvent = UserChanged | UserRemoved | EntryAppended | Notice | JournalBehind
