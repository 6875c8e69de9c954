"""Credentials: validation, masking, and the keychain / session / env-var stores."""

from __future__ import annotations

import base64
import logging

import keyring
import pytest

from tests.client.memory_keyring import MemoryKeyring
from uid2_desk.client.credential_stores import (
    CredentialStore,
    EnvCredentialStore,
    LayeredCredentialStore,
    SessionCredentialStore,
)
from uid2_desk.client.credentials import Credentials, mask_api_key, mask_authorization
from uid2_desk.client.keychain_store import KeyringCredentialStore
from uid2_desk.protocol.errors import CredentialsError, KeychainUnavailableError

KEY = "UID2-C-L-999-fCXrMM.fsR3mDqAXELtWWMS+xG1s7RdgRTMqdOH2qaAo="
SECRET = "ioG3wKxAokmp+rERx6A4kM/13qhyolUXIu14WN16Spo="
OTHER_SECRET = base64.b64encode(bytes(range(32))).decode()


def test_secret_must_be_base64_of_32_bytes_and_the_message_never_quotes_it() -> None:
    short = base64.b64encode(b"x" * 16).decode()
    with pytest.raises(CredentialsError, match="decodes to 16 bytes") as caught:
        Credentials(KEY, short)
    assert short not in str(caught.value)
    with pytest.raises(CredentialsError, match="not valid base64"):
        Credentials(KEY, "this is not base64!")
    with pytest.raises(CredentialsError, match="empty"):
        Credentials(KEY, "   ")


def test_api_key_must_be_one_printable_token() -> None:
    with pytest.raises(CredentialsError, match="API key is empty"):
        Credentials("", SECRET)
    with pytest.raises(CredentialsError, match="spaces"):
        Credentials("UID2-C-L-999 abc", SECRET)


def test_surrounding_whitespace_from_a_paste_is_dropped() -> None:
    creds = Credentials(f"  {KEY}\n", f" {SECRET}\n")
    assert creds.api_key == KEY
    assert creds.secret == SECRET
    assert creds.secret_bytes == base64.b64decode(SECRET)


def test_repr_and_str_show_neither_the_secret_nor_the_full_key() -> None:
    creds = Credentials(KEY, SECRET)
    for text in (repr(creds), str(creds), f"{creds}", repr([creds])):
        assert SECRET not in text
        assert KEY not in text
        assert "fCXrMM" not in text
        assert "UID2-C-L-999-***" in text


def test_logging_a_credentials_object_leaks_nothing(caplog: pytest.LogCaptureFixture) -> None:
    creds = Credentials(KEY, SECRET)
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("uid2_desk.test").info("using %s / %r", creds, creds)
    assert caplog.text
    assert SECRET not in caplog.text
    assert KEY not in caplog.text


@pytest.mark.parametrize(
    ("key", "masked"),
    [
        (KEY, "UID2-C-L-999-***"),
        ("EUID-C-P-12-abcdefghijklmnopqrstuvwxyz0123456789", "EUID-C-P-12-***"),
        ("UID2-C-I-abcdefghijklmnopqrstuvwxyz", "UID2-C-I-***"),
        ("some-other-credential-format-1234567890", "some***"),
        ("abc", "***"),
    ],
)
def test_api_keys_keep_only_a_short_recognisable_prefix(key: str, masked: str) -> None:
    assert mask_api_key(key) == masked


def test_authorization_header_is_masked_after_the_scheme() -> None:
    assert mask_authorization(f"Bearer {KEY}") == "Bearer UID2-C-L-999-***"


@pytest.mark.asyncio
async def test_keychain_round_trip_stores_key_and_secret_per_environment(
    memory_keyring: MemoryKeyring,
) -> None:
    store = KeyringCredentialStore()
    assert isinstance(store, CredentialStore)
    assert store.persistent
    assert await store.get("integ") is None
    await store.set("integ", Credentials(KEY, SECRET))
    await store.set("prod", Credentials(KEY, OTHER_SECRET))
    assert memory_keyring.items[("uid2-desk", "integ:api_key")] == KEY
    assert memory_keyring.items[("uid2-desk", "integ:secret")] == SECRET
    assert await store.get("integ") == Credentials(KEY, SECRET)
    assert (await store.get("prod")) == Credentials(KEY, OTHER_SECRET)
    await store.delete("integ")
    await store.delete("integ")  # deleting twice is harmless
    assert await store.get("integ") is None
    assert await store.get("prod") is not None


@pytest.mark.asyncio
async def test_keychain_with_half_the_credentials_asks_for_both_again(
    memory_keyring: MemoryKeyring,
) -> None:
    memory_keyring.set_password("uid2-desk", "integ:api_key", KEY)
    with pytest.raises(CredentialsError, match="only half"):
        await KeyringCredentialStore().get("integ")


@pytest.mark.asyncio
@pytest.mark.usefixtures("no_keychain")
async def test_without_a_keychain_backend_every_call_says_so_and_offers_the_session() -> None:
    store = KeyringCredentialStore()
    with pytest.raises(KeychainUnavailableError) as caught:
        await store.check_available()
    assert "for this session only" in str(caught.value)
    assert "never writes secrets to a plain file" in str(caught.value)
    with pytest.raises(KeychainUnavailableError):
        await store.set("integ", Credentials(KEY, SECRET))
    with pytest.raises(KeychainUnavailableError):
        await store.get("integ")


@pytest.mark.asyncio
async def test_keyring_no_keyring_error_raised_by_a_backend_is_translated(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(service: str, username: str) -> str | None:
        raise keyring.errors.NoKeyringError("No recommended backend was available. Install")

    monkeypatch.setattr(memory_keyring, "get_password", refuse)
    with pytest.raises(KeychainUnavailableError, match="No recommended backend was available"):
        await KeyringCredentialStore().get("integ")


@pytest.mark.asyncio
async def test_a_locked_keychain_asks_to_unlock_it(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("locked")

    monkeypatch.setattr(memory_keyring, "set_password", locked)
    with pytest.raises(CredentialsError, match=r"locked.*Unlock it"):
        await KeyringCredentialStore().set("integ", Credentials(KEY, SECRET))


@pytest.mark.asyncio
async def test_session_store_keeps_credentials_in_memory_only() -> None:
    store = SessionCredentialStore()
    assert isinstance(store, CredentialStore)
    assert not store.persistent
    await store.set("integ", Credentials(KEY, SECRET))
    assert await store.get("integ") == Credentials(KEY, SECRET)
    assert await SessionCredentialStore().get("integ") is None
    await store.delete("integ")
    assert await store.get("integ") is None


@pytest.mark.asyncio
async def test_env_vars_give_credentials_for_remote_environments_only() -> None:
    store = EnvCredentialStore({"UID2_API_KEY": KEY, "UID2_SECRET": SECRET})
    assert await store.get("integ") == Credentials(KEY, SECRET)
    assert await store.get("https://operator.example.com") == Credentials(KEY, SECRET)
    assert await store.get("local") is None
    assert await EnvCredentialStore({}).get("integ") is None
    with pytest.raises(CredentialsError, match="cannot be changed from the desk"):
        await store.set("integ", Credentials(KEY, SECRET))


@pytest.mark.asyncio
async def test_half_set_env_vars_name_the_missing_one() -> None:
    with pytest.raises(CredentialsError, match="UID2_SECRET is not set"):
        await EnvCredentialStore({"UID2_API_KEY": KEY}).get("integ")
    with pytest.raises(CredentialsError, match="not valid base64"):
        await EnvCredentialStore({"UID2_API_KEY": KEY, "UID2_SECRET": "nope!"}).get("integ")


@pytest.mark.asyncio
async def test_env_store_reads_the_process_environment_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("UID2_API_KEY", KEY)
    monkeypatch.setenv("UID2_SECRET", SECRET)
    assert await EnvCredentialStore().get("prod") == Credentials(KEY, SECRET)


@pytest.mark.asyncio
async def test_env_vars_take_precedence_over_the_keychain_which_still_takes_writes(
    memory_keyring: MemoryKeyring,
) -> None:
    keychain = KeyringCredentialStore()
    await keychain.set("integ", Credentials(KEY, OTHER_SECRET))
    await keychain.set("local", Credentials(KEY, OTHER_SECRET))
    layered = LayeredCredentialStore(
        EnvCredentialStore({"UID2_API_KEY": KEY, "UID2_SECRET": SECRET}), keychain
    )
    assert layered.name == "OS keychain"
    assert layered.persistent
    assert await layered.get("integ") == Credentials(KEY, SECRET)
    assert await layered.get("local") == Credentials(KEY, OTHER_SECRET)
    await layered.set("prod", Credentials(KEY, OTHER_SECRET))
    assert memory_keyring.items[("uid2-desk", "prod:secret")] == OTHER_SECRET
