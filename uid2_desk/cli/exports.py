"""The files ``uid2-desk run`` writes: the Markdown report (with the scenario's results), HAR,
JSONL, all from the journal entries of the run's session, through the journal's exporters."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from uid2_desk.journal import JournalEntry, JournalFilter
from uid2_desk.journal.export_common import write_text_atomic
from uid2_desk.journal.export_har import write_har
from uid2_desk.journal.export_jsonl import write_jsonl
from uid2_desk.publisher.scenario.model import Scenario
from uid2_desk.publisher.scenario.player import ScenarioPlayer
from uid2_desk.report.markdown import md_escape, report_text

if TYPE_CHECKING:
    from uid2_desk.services import DeskServices

_SEQUENCE_HEADING = "\n\n## Sequence"


def scenario_section(scenario: Scenario, player: ScenarioPlayer) -> str:
    """A Markdown section: the scenario's summary and one table row per step played."""
    held = all(r.held for r in player.results)
    verdict = "every expectation held" if held else "some expectations did not hold"
    lines = [
        f"## Scenario `{scenario.name}`: {md_escape(scenario.title)}",
        "",
        md_escape(scenario.summary) if scenario.summary else "",
        "",
        f"Result: **{verdict}**.",
        "",
        "| | Step | What happens | Outcome |",
        "|---|---|---|---|",
    ]
    for r in player.results:
        outcome = r.outcome if not r.reason else f"{r.outcome} ({r.reason})"
        lines.append(
            f"| {r.status.symbol} | {md_escape(r.step.id)} | {md_escape(r.step.caption.title)} "
            f"| {md_escape(outcome)} |"
        )
    return "\n".join(line for line in lines)


def report_with_scenario(
    entries: list[JournalEntry], scenario: Scenario, player: ScenarioPlayer, generated_ms: int
) -> str:
    """The journal's report with the scenario's results placed before the sequence diagram."""
    text = report_text(
        entries, title=f"UID2 Desk scenario: {scenario.name}", generated_ms=generated_ms
    )
    section = scenario_section(scenario, player)
    at = text.find(_SEQUENCE_HEADING)
    if at < 0:
        return f"{text.rstrip()}\n\n{section}\n"
    return f"{text[:at]}\n\n{section}{text[at:]}"


async def write_exports(
    services: DeskServices, scenario: Scenario, player: ScenarioPlayer, args: argparse.Namespace
) -> None:
    """Write whichever of ``--report``, ``--har``, ``--jsonl`` were asked for."""
    wanted = {name: getattr(args, name, None) for name in ("report", "har", "jsonl")}
    if not any(wanted.values()):
        return
    entries = await services.journal.entries(
        JournalFilter(session=services.publisher.session), limit=None, with_exchanges=True
    )
    if wanted["report"]:
        text = report_with_scenario(entries, scenario, player, services.clock.now_ms())
        write_text_atomic(Path(wanted["report"]), text)
    if wanted["har"]:
        write_har(Path(wanted["har"]), entries)
    if wanted["jsonl"]:
        write_jsonl(Path(wanted["jsonl"]), entries)
