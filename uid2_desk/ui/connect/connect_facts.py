"""What a team's client needs to call the desk's embedded operator (pure; no Qt).

:class:`ConnectFacts` gathers the base URL, the three issued credentials and the CSTG
subscription from the running services. Secrets (API keys and client secrets) are shown
masked unless the person asks: :meth:`ConnectFacts.shown` is the copy with everything
visible, :meth:`ConnectFacts.masked` the one the dialog shows by default. The CSTG
subscription id and server public key are not secret (a page ships them).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from uid2_desk.client.credentials import mask_api_key

if TYPE_CHECKING:
    from uid2_desk.services import DeskServices

#: How a hidden client secret reads.
HIDDEN_SECRET = "••••••••  (press Show)"


@dataclass(frozen=True)
class ConnectFacts:
    """The embedded operator as a client configures it.

    Attributes:
        base_url: ``http://127.0.0.1:PORT``.
        publisher_key, publisher_secret: the publisher credential (generate, refresh).
        dsp_key, dsp_secret: the DSP credential (key fetch, decrypt).
        sharer_key, sharer_secret: the sharer credential.
        subscription_id: the CSTG subscription id.
        server_public_key: the CSTG server public key (``UID2-X-L-…``).
        masked_view: whether the secrets are masked in this copy.
    """

    base_url: str
    publisher_key: str
    publisher_secret: str
    dsp_key: str
    dsp_secret: str
    sharer_key: str
    sharer_secret: str
    subscription_id: str
    server_public_key: str
    masked_view: bool = False

    @classmethod
    def of(cls, services: DeskServices) -> ConnectFacts | None:
        """The facts of the running desk; ``None`` unless its local operator has a port."""
        operator, server = services.operator, services.server
        if operator is None or server is None:
            return None
        creds = operator.credentials
        cstg = operator.cstg.settings
        return cls(
            base_url=server.base_url,
            publisher_key=creds.publisher.api_key,
            publisher_secret=creds.publisher.secret,
            dsp_key=creds.dsp.api_key,
            dsp_secret=creds.dsp.secret,
            sharer_key=creds.sharer.api_key,
            sharer_secret=creds.sharer.secret,
            subscription_id=cstg.subscription_id,
            server_public_key=cstg.server_public_key,
        )

    def masked(self) -> ConnectFacts:
        """This copy with every API key and secret masked (what is shown by default)."""
        return replace(
            self,
            publisher_key=mask_api_key(self.publisher_key),
            publisher_secret=HIDDEN_SECRET,
            dsp_key=mask_api_key(self.dsp_key),
            dsp_secret=HIDDEN_SECRET,
            sharer_key=mask_api_key(self.sharer_key),
            sharer_secret=HIDDEN_SECRET,
            masked_view=True,
        )

    def secrets(self) -> tuple[str, ...]:
        """Every value that must not be on screen unless shown (for tests and checks)."""
        return (
            self.publisher_key,
            self.publisher_secret,
            self.dsp_key,
            self.dsp_secret,
            self.sharer_key,
            self.sharer_secret,
        )

    def rows(self) -> list[tuple[str, str, bool]]:
        """``(label, value, secret)`` for the credentials table, in order."""
        return [
            ("Base URL", self.base_url, False),
            ("Publisher API key", self.publisher_key, True),
            ("Publisher secret", self.publisher_secret, True),
            ("DSP API key", self.dsp_key, True),
            ("DSP secret", self.dsp_secret, True),
            ("Sharer API key", self.sharer_key, True),
            ("Sharer secret", self.sharer_secret, True),
            ("CSTG subscription id", self.subscription_id, False),
            ("CSTG server public key", self.server_public_key, False),
        ]
