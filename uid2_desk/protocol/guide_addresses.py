"""The test addresses of the original integration guides, and the ones operators use today.

The custom publisher integration guide, the v1 SDK guide and the v1 server-only guide use
``validate@email.com`` and ``optout@email.com``. Operators changed their special test
identities to ``@example.com`` on 2023-10-23 (IABTechLab/uid2-operator commit f6bf3248, "fix
example emails for validation and optout"): since then the old addresses are ordinary ones,
issued tokens like anybody else and never opted out by the operator. The desk explains this
where a user types an old address (the sign-in panel).
"""

from __future__ import annotations

from dataclasses import dataclass

from uid2_desk.protocol.errors import InputError
from uid2_desk.protocol.normalize import normalize_email

#: When the operator's test identities moved to @example.com.
RENAMED_IN = "October 2023"


@dataclass(frozen=True)
class RenamedTestAddress:
    """One of the guides' old test addresses and its replacement.

    Attributes:
        old: the address as the original guides print it.
        current: the address operators treat specially today.
        behaviour: what the current address does on an operator.
    """

    old: str
    current: str
    behaviour: str

    def explanation(self) -> str:
        """One paragraph for the user who typed :attr:`old`."""
        return (
            f"{self.old} is the test address of the original integration guides. Operators "
            f"moved their test identities to @example.com in {RENAMED_IN}, so to an operator "
            f"today {self.old} is an ordinary address. Use {self.current} for what the guide "
            f"means: {self.behaviour}."
        )


RENAMED_TEST_ADDRESSES = (
    RenamedTestAddress(
        "validate@email.com",
        "validate@example.com",
        "tokens as usual, never opted out, and the identity the guides validate tokens against",
    ),
    RenamedTestAddress(
        "optout@email.com",
        "optout@example.com",
        "always opted out, so generating a token for it answers optout",
    ),
)


def renamed_test_address(typed: str) -> RenamedTestAddress | None:
    """The old guide address ``typed`` is (compared as the operator normalises emails), if any."""
    try:
        normalized = normalize_email(typed)
    except InputError:
        return None
    for renamed in RENAMED_TEST_ADDRESSES:
        if normalized == renamed.old:
            return renamed
    return None
