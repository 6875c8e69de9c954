"""Token lifetimes of the local operator: three profiles, each duration overridable.

The real operator reads ``refresh_identity_token_after_seconds``,
``identity_token_expires_after_seconds`` and ``refresh_token_expires_after_seconds`` from its
runtime config and refuses a config where they are not ordered (uid2-protocol.md §7.1); so
does :class:`Lifetimes`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from types import MappingProxyType

from uid2_desk.protocol.errors import InputError

MINUTE_S = 60
HOUR_S = 60 * MINUTE_S
DAY_S = 24 * HOUR_S


class LifetimeProfile(StrEnum):
    """Named sets of durations (design.md §4)."""

    DEMO = "demo"
    LOCAL = "local"
    PROD = "prod"


@dataclass(frozen=True)
class Lifetimes:
    """How long an identity lasts, in seconds.

    Attributes:
        refresh_from_s: from issue until the identity may be refreshed (``refresh_from``).
        identity_s: from issue until the advertising token expires (``identity_expires``).
        refresh_s: from issue until the refresh token expires (``refresh_expires``).

    Raises :class:`~uid2_desk.protocol.errors.InputError` (a ``ValueError``) unless
    ``0 < refresh_from_s <= identity_s <= refresh_s``.
    """

    refresh_from_s: int
    identity_s: int
    refresh_s: int

    def __post_init__(self) -> None:
        if self.refresh_from_s <= 0:
            raise InputError(f"refresh_from must be at least 1 second, got {self.refresh_from_s}")
        if not self.refresh_from_s <= self.identity_s <= self.refresh_s:
            raise InputError(
                "lifetimes must satisfy refresh_from <= identity <= refresh, like the real "
                f"operator's config; got refresh_from={self.refresh_from_s} s, "
                f"identity={self.identity_s} s, refresh={self.refresh_s} s"
            )

    @classmethod
    def profile(cls, name: LifetimeProfile | str) -> Lifetimes:
        """The durations of a named profile (``demo``, ``local`` or ``prod``)."""
        try:
            return _PROFILES[LifetimeProfile(name)]
        except ValueError:  # not a profile name
            choices = ", ".join(p.value for p in LifetimeProfile)
            raise InputError(
                f"unknown lifetimes profile {name!r}; choose one of {choices}"
            ) from None

    @classmethod
    def demo(cls) -> Lifetimes:
        """30 s / 2 min / 5 min: a whole lifecycle fits a demo."""
        return _PROFILES[LifetimeProfile.DEMO]

    @classmethod
    def local(cls) -> Lifetimes:
        """15 min / 1 h / 24 h, the operator's own local test config."""
        return _PROFILES[LifetimeProfile.LOCAL]

    @classmethod
    def prod(cls) -> Lifetimes:
        """1 h / 72 h / 30 days, as UID2 production."""
        return _PROFILES[LifetimeProfile.PROD]

    def with_overrides(
        self,
        *,
        refresh_from_s: int | None = None,
        identity_s: int | None = None,
        refresh_s: int | None = None,
    ) -> Lifetimes:
        """A copy with the given durations replaced (``None`` keeps the current one)."""
        return replace(
            self,
            refresh_from_s=self.refresh_from_s if refresh_from_s is None else refresh_from_s,
            identity_s=self.identity_s if identity_s is None else identity_s,
            refresh_s=self.refresh_s if refresh_s is None else refresh_s,
        )

    @property
    def refresh_from_ms(self) -> int:
        """``refresh_from_s`` in milliseconds."""
        return self.refresh_from_s * 1000

    @property
    def identity_ms(self) -> int:
        """``identity_s`` in milliseconds."""
        return self.identity_s * 1000

    @property
    def refresh_ms(self) -> int:
        """``refresh_s`` in milliseconds."""
        return self.refresh_s * 1000


_PROFILES = MappingProxyType(
    {
        LifetimeProfile.DEMO: Lifetimes(
            refresh_from_s=30, identity_s=2 * MINUTE_S, refresh_s=5 * MINUTE_S
        ),
        LifetimeProfile.LOCAL: Lifetimes(
            refresh_from_s=15 * MINUTE_S, identity_s=HOUR_S, refresh_s=DAY_S
        ),
        LifetimeProfile.PROD: Lifetimes(
            refresh_from_s=HOUR_S, identity_s=72 * HOUR_S, refresh_s=30 * DAY_S
        ),
    }
)
