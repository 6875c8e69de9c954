"""The desk that :mod:`tests.benchmarks.bench_soak` kills with SIGKILL, again and again.

``python -m tests.benchmarks.soak_child DATA_DIR SEED EXCHANGES`` opens the desk's services
on ``DATA_DIR`` (local operator, in process, the ``local`` lifetimes), then:

1. checks every token the desk holds: each user whose refresh token has not expired is
   refreshed, printing ``check ok USER`` or ``check fail USER REASON``;
2. prints ``ready``, then makes ``EXCHANGES`` operator calls (sign-ins and refreshes of a pool
   of users), rotating the operator's keys every :data:`ROTATE_EVERY` calls and warping the
   clock forward every :data:`WARP_EVERY` (now and then past the life of every key),
   printing ``x N`` after each call;
3. closes the desk and prints ``done``.

Every journal entry is printed (``seq N``) once committed (a journal listener hears only
committed entries): what the parent may expect to find after the kill. The warp is kept in
``DATA_DIR/soak-warp`` (written before it is applied), so a restarted desk runs at the same
time as the one killed: the desk's own restart forgets a warp, which would expire nothing.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
from pathlib import Path

from uid2_desk.protocol.clock import SystemClock, WarpClock
from uid2_desk.protocol.errors import Uid2DeskError
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher.model import UserState
from uid2_desk.services import DeskServices, OperatorMode, open_services

ROTATE_EVERY = 100
WARP_EVERY = 40
#: Now and then a warp past the life of every key the operator holds (keys live 30 days):
#: the next calls need keys that were not made ahead, the case a kill must not turn into a
#: token that no longer refreshes.
LONG_WARP_EVERY = 5 * WARP_EVERY  # (a warp step: every 200 calls)
LONG_WARP_MS = (31 * 86_400 + 300) * 1000
USERS = 30
WARP_FILE = "soak-warp"


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _saved_warp(data_dir: Path) -> int:
    path = data_dir / WARP_FILE
    return int(path.read_text()) if path.exists() else 0


def _save_warp(data_dir: Path, offset_ms: int) -> None:
    path = data_dir / (WARP_FILE + ".new")
    with open(path, "w") as fh:
        fh.write(str(offset_ms))
        fh.flush()
        os.fsync(fh.fileno())
    path.replace(data_dir / WARP_FILE)


async def _check(services: DeskServices) -> None:
    publisher = services.publisher
    now = services.clock.now_ms()
    for snap in publisher.users():
        identity = snap.identity
        if identity is None or snap.state is UserState.OPTED_OUT:
            continue
        if identity.refresh_expires_ms <= now:
            continue  # expired by the time warp: no desk could refresh it
        try:
            after = await publisher.refresh(snap.user_id)
        except Uid2DeskError as err:
            _say(f"check fail {snap.user_id} {str(err)[:160]!r}")
            continue
        if after.last_error is not None or after.state is UserState.OPTED_OUT:
            _say(f"check fail {snap.user_id} {str(after.last_error)[:160]!r}")
        else:
            _say(f"check ok {snap.user_id}")


async def _exchanges(services: DeskServices, data_dir: Path, seed: int, count: int) -> None:
    rng = random.Random(seed)
    publisher = services.publisher
    warp = services.warp_clock
    operator = services.operator
    assert warp is not None
    assert operator is not None
    for n in range(1, count + 1):
        held = [
            s
            for s in publisher.users()
            if s.identity is not None
            and s.identity.refresh_expires_ms > services.clock.now_ms()
            and s.state is not UserState.OPTED_OUT
        ]
        try:
            if not held or rng.random() < 0.4:
                await publisher.sign_in(DiiKind.EMAIL, f"soak-{rng.randrange(USERS)}@example.com")
            else:
                await publisher.refresh(rng.choice(held).user_id)
        except Uid2DeskError:
            pass  # journaled like any other exchange; the soak counts entries, not successes
        _say(f"x {n}")
        if n % ROTATE_EVERY == 0:
            await asyncio.to_thread(operator.admin.rotate_keys)
        if n % WARP_EVERY == 0:
            step_ms = LONG_WARP_MS if n % LONG_WARP_EVERY == 0 else 60_000 * rng.randint(2, 8)
            _save_warp(data_dir, _saved_warp(data_dir) + step_ms)
            warp.warp(step_ms)


async def main(data_dir: Path, seed: int, count: int) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    base = WarpClock(SystemClock())
    base.set_offset(_saved_warp(data_dir))  # the operator opens at the time the desk left
    services = await open_services(
        data_dir,
        operator_mode=OperatorMode.IN_PROCESS,
        lifetimes="local",
        clock=base,
        returning=False,
    )
    services.journal.add_listener(lambda entry: _say(f"seq {entry.seq}"))
    try:
        await _check(services)
        _say("ready")
        await _exchanges(services, data_dir, seed, count)
    finally:
        await services.aclose()
    _say("done")


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])))
