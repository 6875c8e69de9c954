"""An in-memory keyring backend for tests: no OS keychain, nothing written to disk."""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """Keeps passwords in a dict on the instance; installed with ``keyring.set_keyring``.

    keyring registers every backend class it sees and auto-selects a viable one; a priority
    that raises makes this class non-viable, so other tests never get it by accident.
    """

    @properties.classproperty
    def priority(cls) -> float:  # noqa: N805  (a classproperty receives the class)
        """Never auto-selected (raising marks the backend as not viable)."""
        raise RuntimeError("MemoryKeyring is installed explicitly, with keyring.set_keyring")

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        """Return the stored password or ``None``."""
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        """Store a password."""
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        """Delete a password; raise ``PasswordDeleteError`` if absent, as real backends do."""
        try:
            del self.items[(service, username)]
        except KeyError:
            raise PasswordDeleteError(f"no password for {service}/{username}") from None
