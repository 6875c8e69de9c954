"""A site's client-side settings: checked when entered, kept per remote environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from uid2_desk.client.cstg_site import CstgSite, CstgSiteBook
from uid2_desk.protocol.cstg_keys import CstgKeyError, encode_public_key, new_private_key
from uid2_desk.protocol.errors import InputError


def test_entered_site_settings_are_checked() -> None:
    with pytest.raises(InputError, match="subscription id"):
        CstgSite.checked(" ", "UID2-X-L-x")
    with pytest.raises(CstgKeyError):
        CstgSite.checked("abc", "not a key")


def test_remote_sites_are_kept_per_environment(tmp_path: Path) -> None:
    key = encode_public_key(new_private_key().public_key(), prefix="UID2-X-I-")
    book = CstgSiteBook(tmp_path)
    assert book.get("integ") is None
    book.put("integ", CstgSite.checked("sub-1", key))
    assert CstgSiteBook(tmp_path).get("integ") == CstgSite("sub-1", key)
    assert CstgSiteBook(tmp_path).get("prod") is None
