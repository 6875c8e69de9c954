"""What a device needs to generate tokens client-side on one environment, and where it is kept.

A :class:`CstgSite` is a site's subscription id and server public key: the two values a
publisher puts in its page or app (neither is a secret). For the embedded operator they come
from ``operator.cstg.settings``; for a remote environment the person enters them once and
:class:`CstgSiteBook` keeps them per environment in ``<data dir>/cstg-sites.json``, beside
the environment's other settings (the credentials stay in the keychain).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from uid2_desk.protocol.cstg_keys import decode_public_key
from uid2_desk.protocol.errors import InputError, StorageError

SITES_FILE = "cstg-sites.json"
#: Environment variables that give a remote environment's site to ``uid2-desk run``.
ENV_SUBSCRIPTION = "UID2_CSTG_SUBSCRIPTION_ID"
ENV_PUBLIC_KEY = "UID2_CSTG_SERVER_PUBLIC_KEY"
#: The app name the desk's device uses unless told otherwise (the embedded operator allows it).
DESK_APP_NAME = "com.uid2desk.app"
#: The page origin the desk's device uses as a web page unless told otherwise.
DESK_ORIGIN = "http://localhost"


class DeviceKind(StrEnum):
    """How a client-side device introduces itself to the operator."""

    APP = "app"  # sends app_name (Android, iOS, tvOS, Android TV SDKs)
    WEB = "web"  # sends an Origin header (the JavaScript SDK, Prebid.js)


@dataclass(frozen=True)
class CstgSite:
    """A site's client-side generation settings.

    Attributes:
        subscription_id: the key pair's id, sent in every request.
        server_public_key: ``UID2-X-…`` (or ``EUID-X-…``), the key the DII is sealed for.
    """

    subscription_id: str
    server_public_key: str

    @classmethod
    def checked(cls, subscription_id: str, server_public_key: str) -> CstgSite:
        """A site from entered text; :class:`InputError` saying what is wrong with it."""
        subscription_id, server_public_key = subscription_id.strip(), server_public_key.strip()
        if not subscription_id:
            raise InputError("Enter the subscription id the UID2 team gave for this site.")
        decode_public_key(server_public_key)  # CstgKeyError (an InputError) says what is wrong
        return cls(subscription_id, server_public_key)

    @classmethod
    def from_environ(cls) -> CstgSite | None:
        """The site given by ``UID2_CSTG_SUBSCRIPTION_ID`` / ``..._SERVER_PUBLIC_KEY``, if both."""
        sub, key = os.environ.get(ENV_SUBSCRIPTION), os.environ.get(ENV_PUBLIC_KEY)
        return cls.checked(sub, key) if sub and key else None


class CstgSiteBook:
    """Each remote environment's :class:`CstgSite`, in ``<data dir>/cstg-sites.json``."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / SITES_FILE

    def get(self, environment_id: str) -> CstgSite | None:
        """The site stored for ``environment_id``, if any."""
        entry = self._read().get(environment_id)
        if not isinstance(entry, dict):
            return None
        sub, key = entry.get("subscription_id"), entry.get("server_public_key")
        if not isinstance(sub, str) or not isinstance(key, str):
            return None
        return CstgSite(sub, key)

    def put(self, environment_id: str, site: CstgSite) -> None:
        """Keep ``site`` for ``environment_id`` (replacing what was there)."""
        document = self._read()
        document[environment_id] = {
            "subscription_id": site.subscription_id,
            "server_public_key": site.server_public_key,
        }
        try:
            self.path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise StorageError(f"Could not save {self.path} ({exc.strerror}).") from None

    def _read(self) -> dict[str, object]:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise StorageError(
                f"Could not read {self.path} ({exc}); fix or delete the file."
            ) from None
        return document if isinstance(document, dict) else {}


@dataclass(frozen=True)
class SiteView:
    """What the client-side site dialog shows and edits.

    Attributes:
        local: whether the site is the embedded operator's (its names are editable there;
            its key pair is the operator's own).
        subscription_id: the site's subscription id ("" when none is known yet).
        server_public_key: its server public key ("" when none is known yet).
        domain_names: the embedded operator's allowed domains (empty elsewhere).
        app_names: its allowed app names (empty elsewhere).
    """

    local: bool
    subscription_id: str
    server_public_key: str
    domain_names: tuple[str, ...] = ()
    app_names: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        """One sentence for the banner."""
        if self.local:
            allowed = ", ".join((*self.domain_names, *self.app_names)) or "nothing"
            return f"The desk's operator now allows client-side generation for {allowed}."
        return f"Client-side sign-in uses subscription {self.subscription_id} from now on."
