"""No API key or client secret in any file the desk writes, in any encoding, nor in its logs.

Two runs with canary credentials (the local operator draws random ones per data directory,
so they are unique strings no other test data contains):

- the CLI against an operator it knows only by URL, credentials from UID2_API_KEY/UID2_SECRET,
  with every export written;
- the in-process desk playing every scenario, logs captured at DEBUG, files checked while the
  databases are still open (WAL files present) and again after closing.

The operator's own database necessarily holds its clients' keys; it lives outside the desk's
data directory here, so every byte under the desk's directory is the desk's.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterable
from pathlib import Path

import pytest

from tests.integration.cli import desk_env, uid2_desk
from uid2_desk.cli.exports import report_with_scenario
from uid2_desk.journal import JournalFilter
from uid2_desk.journal.export_har import write_har
from uid2_desk.journal.export_jsonl import write_jsonl
from uid2_desk.operator import ClientCredentials, LocalOperator, OperatorServer
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.publisher import ScenarioPlayer
from uid2_desk.publisher.guides import Guide
from uid2_desk.publisher.scenario import load_all
from uid2_desk.services import OperatorMode, open_services

REMOTE_PLAYABLE = ("server-only", "optout-on-generate", "optout-on-refresh", "phone")


def secret_forms(creds: ClientCredentials) -> dict[str, bytes]:
    """The API key and secret as text, and the secret as raw bytes, hex and base64 variants."""
    raw = base64.b64decode(creds.secret)
    key_part = creds.api_key.rsplit(".", 1)[-1]
    return {
        "api key": creds.api_key.encode(),
        "api key's random part": key_part.encode(),
        "api key in base64": base64.b64encode(creds.api_key.encode()),
        "secret": creds.secret.encode(),
        "secret without padding": creds.secret.rstrip("=").encode(),
        "secret in url-safe base64": base64.urlsafe_b64encode(raw).rstrip(b"="),
        "secret bytes": raw,
        "secret in hex": raw.hex().encode(),
        "secret in upper-case hex": raw.hex().upper().encode(),
    }


def leaks(forms: dict[str, bytes], places: Iterable[tuple[str, bytes]]) -> list[str]:
    """``"<form> in <place>"`` for every secret form found in any place."""
    return [
        f"{name} in {where}"
        for where, data in places
        for name, needle in forms.items()
        if needle in data
    ]


def files_under(*roots: Path) -> list[tuple[str, bytes]]:
    """Every file below the roots, with its bytes."""
    found = [
        (str(p), p.read_bytes()) for root in roots for p in sorted(root.rglob("*")) if p.is_file()
    ]
    assert found, f"nothing was written under {roots}"
    return found


def test_cli_runs_with_canary_credentials_write_them_nowhere(tmp_path: Path) -> None:
    desk_dir, exports = tmp_path / "desk", tmp_path / "exports"
    exports.mkdir()
    with (
        LocalOperator.open(tmp_path / "operator") as operator,
        OperatorServer(operator) as server,
    ):
        creds = operator.credentials.publisher
        env = desk_env(tmp_path, UID2_API_KEY=creds.api_key, UID2_SECRET=creds.secret)
        outputs: list[tuple[str, bytes]] = []
        for name in REMOTE_PLAYABLE:
            result = uid2_desk(
                "run", name, "--env", server.base_url, "--data-dir", str(desk_dir),
                "--report", str(exports / f"{name}.md"), "--har", str(exports / f"{name}.har"),
                "--jsonl", str(exports / f"{name}.jsonl"),
                env=env, cwd=tmp_path,
            )  # fmt: skip
            assert result.returncode == 0, result.stdout + result.stderr
            outputs.append((f"{name} stdout", result.stdout.encode()))
            outputs.append((f"{name} stderr", result.stderr.encode()))

        forms = secret_forms(creds)
        assert leaks(forms, files_under(desk_dir, exports)) == []
        assert leaks(forms, outputs) == []
        # The check can fail: the operator's own store, outside the desk, does hold them.
        assert leaks(forms, files_under(tmp_path / "operator"))


@pytest.mark.asyncio
@pytest.mark.parametrize("guide", [Guide.SERVER_ONLY, Guide.CUSTOM_V1])
async def test_every_local_scenario_leaves_no_credential_in_files_or_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, guide: Guide
) -> None:
    """Each guide's scenarios on a desk playing that guide (v1 sends its calls as GETs)."""
    caplog.set_level(logging.DEBUG)
    data_dir = tmp_path / "desk"
    services = await open_services(
        data_dir,
        operator_mode=OperatorMode.IN_PROCESS,
        operator_dir=tmp_path / "operator",
        clock=ManualClock(1_790_000_000_000),
        guide=guide,
    )
    assert services.operator is not None
    all_creds = services.operator.credentials
    try:
        for scenario in load_all():
            if scenario.guide is not services.publisher.guide:
                continue  # played by this test's run with that guide
            player = ScenarioPlayer(scenario, services.stage())
            assert await player.play(), scenario.name
            entries = await services.journal.entries(
                JournalFilter(session=services.publisher.session), limit=None, with_exchanges=True
            )
            (data_dir / f"{scenario.name}.md").write_text(
                report_with_scenario(entries, scenario, player, 0), encoding="utf-8"
            )
            write_har(data_dir / f"{scenario.name}.har", entries)
            write_jsonl(data_dir / f"{scenario.name}.jsonl", entries)
        open_files = files_under(data_dir)
        assert any(name.endswith("-wal") for name, _ in open_files)
    finally:
        await services.aclose()

    logs = [(f"log record {r.name}", r.getMessage().encode()) for r in caplog.records]
    for creds in (all_creds.publisher, all_creds.dsp, all_creds.sharer):
        forms = secret_forms(creds)
        assert leaks(forms, open_files) == []
        assert leaks(forms, files_under(data_dir)) == []
        assert leaks(forms, logs) == []
