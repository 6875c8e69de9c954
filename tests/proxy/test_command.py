"""``uid2-desk proxy`` refuses what it must not do, with one line and exit status 2.

Plain HTTP to another machine, production without a confirmation, the local operator, an
unreadable credentials file. Refusals come before anything listens or is forwarded.
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest

from uid2_desk.cli.main import main
from uid2_desk.cli.proxy_secrets import gather_secrets
from uid2_desk.client.credential_stores import EnvCredentialStore
from uid2_desk.protocol.errors import InputError
from uid2_desk.proxy.keys import RefreshKeys
from uid2_desk.proxy.upstream import Upstream


@pytest.fixture(autouse=True)
def _no_keychain_no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.delenv("UID2_API_KEY", raising=False)
    monkeypatch.delenv("UID2_SECRET", raising=False)


def _refused(args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code = main(["proxy", *args, "--data-dir", str(tmp_path), "--port", "0"])
    assert code == 2
    return capsys.readouterr().err


def test_plain_http_to_another_machine_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused(["--upstream", "http://operator.example.com"], tmp_path, capsys)
    assert "refusing to forward to http://operator.example.com: plain HTTP" in err
    with pytest.raises(Exception, match="plain HTTP"):
        Upstream("x", "http://10.0.0.5:8080", "CUSTOM")
    Upstream("x", "http://127.0.0.1:8080", "CUSTOM")  # a local operator is fine


def test_production_is_not_forwarded_to_without_a_confirmation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    err = _refused(["--upstream", "prod-usw"], tmp_path, capsys)
    assert "UID2 production (us-west-2) is production" in err
    assert "--yes-production" in err


def test_the_local_operator_and_unknown_names_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "uid2-desk operator --watch" in _refused(["--upstream", "local"], tmp_path, capsys)
    assert "Unknown environment 'staging'" in _refused(["--upstream", "staging"], tmp_path, capsys)


def test_a_credentials_file_without_keys_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    creds = tmp_path / "creds.json"
    creds.write_text('{"note": "nothing here"}')
    err = _refused(["--upstream", "integ", "--credentials", str(creds)], tmp_path, capsys)
    assert "holds no api_key/secret pair" in err


def test_the_proxy_remembers_a_bounded_number_of_refresh_keys() -> None:
    keys = RefreshKeys(limit=2)
    keys.learn("first", b"1")
    keys.learn("second", b"2")
    assert keys.key_of("first") == b"1"  # used: now the most recent
    keys.learn("third", b"3")
    assert keys.key_of("second") is None
    assert keys.key_of("first") == b"1"
    assert len(keys) == 2
    assert "1" not in repr(keys)


def test_secrets_come_from_files_the_environment_and_the_keychain(tmp_path: Path) -> None:
    secret = base64.b64encode(b"s" * 32).decode()
    other = base64.b64encode(b"o" * 32).decode()
    creds = tmp_path / "keys.json"
    creds.write_text(json.dumps([{"api_key": "UID2-C-I-1-file", "secret": secret}]))
    environ = {"UID2_API_KEY": "UID2-C-I-2-env", "UID2_SECRET": other}
    found = gather_secrets("integ", [str(creds)], [EnvCredentialStore(environ)])
    assert found.secret_of("UID2-C-I-1-file") == b"s" * 32
    assert found.secret_of("UID2-C-I-2-env") == b"o" * 32
    assert len(found) == 2
    assert secret not in repr(found)
    half = {"UID2_API_KEY": "UID2-C-I-2-env"}
    with pytest.raises(InputError, match="UID2_SECRET is not set"):
        gather_secrets("integ", [], [EnvCredentialStore(half)])
