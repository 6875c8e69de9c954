"""Fixtures for the client tests: keyring backends swapped in and restored; the operator."""

from __future__ import annotations

from tests.client.operator_fixtures import clock, http, operator, publisher
from tests.keychain_fixtures import memory_keyring, no_keychain

__all__ = ["clock", "http", "memory_keyring", "no_keychain", "operator", "publisher"]
