"""Fixtures for the protocol tests: the operator's local test keys as the vectors give them."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import pytest

from uid2_desk.protocol.tokens import Key, KeyLookup, key_lookup


@dataclass(frozen=True)
class VectorKeys:
    """Master key 101, site key 104 (site 123, keyset 501) and refresh key 102."""

    master: Key
    site: Key
    refresh: Key

    @property
    def lookup(self) -> KeyLookup:
        """All three, as a decoder holding every key would see them."""
        return key_lookup([self.master, self.site, self.refresh])


@pytest.fixture(scope="session")
def vector_keys(vectors: dict[str, Any]) -> VectorKeys:
    """The keys the token and refresh vectors were made with."""
    ad = vectors["advertising_tokens"]
    rf = vectors["refresh"]["refresh_key"]
    return VectorKeys(
        master=Key(
            ad["master_key"]["id"],
            base64.b64decode(ad["master_key"]["secret_b64"]),
            keyset_id=ad["master_key"]["keyset_id_reported_to_sdks"],
            site_id=-1,
        ),
        site=Key(
            ad["site_key"]["id"],
            base64.b64decode(ad["site_key"]["secret_b64"]),
            keyset_id=ad["site_key"]["keyset_id"],
            site_id=ad["site_key"]["site_id"],
        ),
        refresh=Key(rf["id"], base64.b64decode(rf["secret_b64"]), keyset_id=rf["keyset_id"]),
    )
