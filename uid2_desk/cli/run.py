"""``uid2-desk scenarios`` and ``uid2-desk run SCENARIO``: scenarios without a window.

``run`` plays one scenario headless and prints one line per step (✓/✗, step id, caption,
outcome). On the local environment it starts the embedded operator itself on a loopback port,
sharing one warpable clock with the desk, so waits take no time. Unless ``--data-dir`` is
given it works in a fresh temporary directory, so a run never touches the desk's own users.

Exit codes: 0 every expectation held; 1 an expectation failed; 2 the run could not start
(unknown scenario, bad environment, missing credentials, unusable data directory, unwritable
file); 3 the scenario needs the local operator and was skipped on a remote environment; 130
interrupted by Ctrl-C (the desk and its operator are still closed properly).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from enum import IntEnum
from pathlib import Path
from typing import TextIO

from uid2_desk.cli.interrupt import INTERRUPTED, run_interruptibly, say_interrupted
from uid2_desk.output_files import check_writable_target
from uid2_desk.protocol.errors import InputError, Uid2DeskError
from uid2_desk.publisher.scenario.loader import find_scenario, load_all
from uid2_desk.publisher.scenario.model import Scenario
from uid2_desk.publisher.scenario.player import ScenarioPlayer
from uid2_desk.publisher.scenario.results import StepResult
from uid2_desk.settings import resolve_data_dir


class ExitCode(IntEnum):
    """What ``uid2-desk run`` exits with."""

    HELD = 0
    FAILED = 1
    CANNOT_RUN = 2
    SKIPPED = 3
    INTERRUPTED = INTERRUPTED


def list_scenarios(args: argparse.Namespace) -> int:
    """Print one line per scenario: its name first, then its title and local-only needs."""
    out = _stream(sys.stdout)
    try:
        scenarios = load_all()
    except Uid2DeskError as exc:
        print(f"uid2-desk: {exc}", file=_stream(sys.stderr))
        return ExitCode.CANNOT_RUN
    width = max((len(s.name) for s in scenarios), default=0)
    for scenario in scenarios:
        needs = ", ".join(["v1 API"] * scenario.guide.legacy_v1 + [f.value for f in scenario.needs])
        tail = f"  [local operator: {needs}]" if needs else ""
        print(f"{scenario.name:<{width}}  {scenario.title}{tail}", file=out)
    return ExitCode.HELD


def run_scenario(args: argparse.Namespace) -> int:
    """Play ``args.name`` headless; see the module docstring for the exit codes."""
    out, err = _stream(sys.stdout), _stream(sys.stderr)
    # Failed exchanges are already shown on their step's line; the client's own warnings
    # would only repeat them on stderr.
    logging.basicConfig(level=logging.ERROR, format="uid2-desk: %(message)s")
    env = _environment_argument(args)
    try:
        scenario = find_scenario(args.name)
    except Uid2DeskError as exc:
        print(f"uid2-desk: {exc}", file=err)
        return ExitCode.CANNOT_RUN
    try:  # before the first call: on a remote environment calls cannot be taken back
        for name in ("report", "har", "jsonl"):
            target = getattr(args, name, None)
            if target:
                check_writable_target(Path(target))
    except InputError as refused:
        print(f"uid2-desk: {refused}", file=err)
        return ExitCode.CANNOT_RUN
    explicit_dir = getattr(args, "data_dir", None)
    if explicit_dir:
        try:
            data_dir = resolve_data_dir(explicit_dir)
        except OSError as exc:
            return _unusable_data_dir(explicit_dir, exc, err)
        return _run_in(scenario, env, data_dir, args, out=out, err=err)
    try:
        temporary = tempfile.TemporaryDirectory(prefix="uid2-desk-run-")
    except OSError as exc:
        return _unusable_data_dir(tempfile.gettempdir(), exc, err)
    with temporary as tmp:
        return _run_in(scenario, env, Path(tmp), args, out=out, err=err)


def _environment_argument(args: argparse.Namespace) -> str:
    """``run --env`` if given (even empty: that is refused later, not taken as local)."""
    for name in ("run_env", "env"):
        value = getattr(args, name, None)
        if value is not None:
            return str(value)
    return "local"


def _unusable_data_dir(where: str, exc: OSError, err: TextIO) -> int:
    """Say in one line that the data directory cannot be used (a file, not writable...)."""
    print(
        f"uid2-desk: cannot use {where} as the data directory ({exc.strerror or exc}); "
        "pass --data-dir with a folder you can write to.",
        file=err,
    )
    return ExitCode.CANNOT_RUN


def _run_in(
    scenario: Scenario,
    env: str,
    data_dir: Path,
    args: argparse.Namespace,
    *,
    out: TextIO,
    err: TextIO,
) -> int:
    try:
        return asyncio.run(run_interruptibly(_play(scenario, env, data_dir, args, out), err))
    except KeyboardInterrupt:
        # Where the loop could not take Ctrl-C over (Windows), asyncio.run cancelled _play,
        # whose finally closed the desk, and then raised this.
        say_interrupted(err)
        return ExitCode.INTERRUPTED
    except Uid2DeskError as exc:
        print(f"uid2-desk: {exc}", file=err)
        return ExitCode.CANNOT_RUN
    except OSError as exc:
        print(f"uid2-desk: cannot write {exc.filename or 'a file'}: {exc.strerror}", file=err)
        return ExitCode.CANNOT_RUN


async def _play(
    scenario: Scenario, env: str, data_dir: Path, args: argparse.Namespace, out: TextIO
) -> int:
    from uid2_desk.cli.exports import write_exports
    from uid2_desk.client.environments import Environment
    from uid2_desk.services import open_services

    if scenario.guide.legacy_v1 and Environment.from_cli(env).is_remote:
        print(f"Scenario {scenario.name}: {scenario.title}", file=out)
        print(
            f"– skipped: this scenario plays the {scenario.guide.display_name}, "
            "whose v1 API only the "
            "local operator still serves (real operators removed it in July 2025).",
            file=out,
        )
        return ExitCode.SKIPPED

    import secrets
    import time

    from uid2_desk.journal import new_session_id
    from uid2_desk.journal.sessions import SCENARIO_TAG

    # Tagged, so the desk's Earlier sessions and ``uid2-desk sessions`` say a scenario made it.
    session = new_session_id(time.time_ns() // 1_000_000, SCENARIO_TAG + secrets.token_hex(2))
    services = await open_services(
        data_dir, env=env, returning=False, guide=scenario.guide, session=session
    )
    try:
        player = ScenarioPlayer(scenario, services.stage())
        where = services.environment.display_name
        if services.environment.base_url:
            where += f" at {services.environment.base_url}"
        print(f"Scenario {scenario.name}: {scenario.title}", file=out)
        print(f"Environment: {where}", file=out)
        if player.unsupported:
            print(f"– skipped: this scenario {player.unsupported}.", file=out)
            return ExitCode.SKIPPED

        def show(result: StepResult) -> None:
            print(result.line(), file=out, flush=True)

        passed = await player.play(on_result=show)
        await write_exports(services, scenario, player, args)
    finally:
        await services.aclose()
    held = sum(1 for r in player.results if r.held)
    total = len(player.results)
    if passed:
        print(f"All {total} steps held their expectations.", file=out)
        return ExitCode.HELD
    print(f"{total - held} of {total} steps did not hold their expectations.", file=out)
    return ExitCode.FAILED


def _stream(stream: TextIO) -> TextIO:
    """The stream, made to replace what its encoding cannot show (✓ on a legacy console)."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="replace")
    return stream
