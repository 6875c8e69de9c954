"""The banner, the task runner and the bridge: how news and errors reach the window."""

from __future__ import annotations

import asyncio
import threading

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.ui.entries import event_entry
from uid2_desk.journal import JournalEntry
from uid2_desk.protocol.errors import InvalidEmailError, OperatorTimeoutError
from uid2_desk.ui.common.bridge import DeskBridge
from uid2_desk.ui.common.tasks import TaskRunner
from uid2_desk.ui.window.banner import Banner


def _banner(qtbot: QtBot) -> tuple[QWidget, Banner]:
    # A parented banner, as in the window (a parentless one would be a top-level window).
    host = QWidget()
    qtbot.addWidget(host)
    return host, Banner(host)


def test_banner_says_what_failed_and_can_be_dismissed(qtbot: QtBot) -> None:
    _host, banner = _banner(qtbot)
    assert banner.isHidden()
    banner.show_message("error", "Refresh failed", "The operator did not answer in 10 s.")
    assert not banner.isHidden()
    assert banner.title == "Refresh failed"
    assert banner.text == "The operator did not answer in 10 s."
    assert banner.level == "error"
    with qtbot.waitSignal(banner.dismissed):
        banner.dismiss()
    assert banner.isHidden()
    assert banner.text == ""


def test_banner_shows_markup_as_plain_text(qtbot: QtBot) -> None:
    _host, banner = _banner(qtbot)
    banner.show_message("warning", "<b>x</b>", "<script>alert(1)</script>")
    assert banner.text == "<script>alert(1)</script>"


def test_runner_renders_the_result_and_settles_after_the_task_is_gone(
    qtbot: QtBot, loop: asyncio.AbstractEventLoop
) -> None:
    runner = TaskRunner()
    results: list[int] = []
    busy_when_settled: list[bool] = []
    runner.settled.connect(lambda _what: busy_when_settled.append(runner.busy))

    async def work() -> int:
        await asyncio.sleep(0.01)
        return 42

    async def start() -> None:
        runner.run("Work", work(), results.append)

    loop.create_task(start())
    with qtbot.waitSignal(runner.settled, timeout=3000):
        pass
    assert results == [42]
    assert busy_when_settled == [False]


def test_runner_turns_a_desk_error_into_a_failure_message_and_never_raises(
    qtbot: QtBot, loop: asyncio.AbstractEventLoop
) -> None:
    runner = TaskRunner()
    failures: list[tuple[str, str]] = []
    runner.failed.connect(lambda what, message: failures.append((what, message)))

    async def boom() -> int:
        raise OperatorTimeoutError("The operator did not answer within 10 s; try again.")

    async def start() -> None:
        runner.run("Refresh", boom())

    loop.create_task(start())
    qtbot.waitUntil(lambda: bool(failures) and not runner.busy, timeout=3000)
    assert failures == [("Refresh", "The operator did not answer within 10 s; try again.")]


def test_bridge_buffers_until_the_window_is_wired_then_replays_in_order(qtbot: QtBot) -> None:
    bridge = DeskBridge()
    seen: list[tuple[str, str]] = []
    bridge.notice.connect(lambda level, message: seen.append((level, message)))
    bridge.post(bridge.notice, "info", "operator starting")
    bridge.post(bridge.notice, "error", "bad thing")
    assert seen == []
    bridge.release()
    assert seen == [("info", "operator starting"), ("error", "bad thing")]
    bridge.post(bridge.notice, "info", "after")
    assert seen[-1] == ("info", "after")


def test_bridge_hands_news_from_another_thread_to_the_gui_thread(qtbot: QtBot) -> None:
    bridge = DeskBridge()
    bridge.release()
    received_on: list[bool] = []
    bridge.startup_progress.connect(
        lambda _text: received_on.append(threading.current_thread() is threading.main_thread())
    )
    worker = threading.Thread(target=lambda: bridge.post(bridge.startup_progress, "hello"))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(received_on), timeout=2000)
    assert received_on == [True]


def _batches(bridge: DeskBridge) -> list[list[int]]:
    batches: list[list[int]] = []
    bridge.entries_appended.connect(
        lambda entries: batches.append([entry.seq for entry in entries])
    )
    return batches


def test_entries_said_in_one_turn_of_the_loop_reach_the_window_as_one_batch_in_order(
    qtbot: QtBot,
) -> None:
    bridge = DeskBridge()
    bridge.release()
    batches = _batches(bridge)
    for seq in (7, 8, 9):
        bridge.post_entry(event_entry(seq, name="identity_set"))
    assert batches == []  # not one signal per entry: they wait for the end of this turn
    qtbot.waitUntil(lambda: bool(batches), timeout=2000)
    qtbot.wait(50)
    assert batches == [[7, 8, 9]]


def test_other_news_waits_for_the_entries_said_before_it(qtbot: QtBot) -> None:
    bridge = DeskBridge()
    bridge.release()
    order: list[str] = []
    bridge.entries_appended.connect(lambda entries: order.extend(f"entry {e.seq}" for e in entries))
    bridge.notice.connect(lambda _level, message: order.append(message))
    bridge.post_entry(event_entry(1, name="identity_set"))
    bridge.post(bridge.notice, "info", "signed in")
    bridge.post_entry(event_entry(2, name="logout"))
    qtbot.waitUntil(lambda: len(order) == 3, timeout=2000)
    assert order == ["entry 1", "signed in", "entry 2"]


def test_entries_before_the_window_is_wired_are_replayed_in_order_with_other_news(
    qtbot: QtBot,
) -> None:
    bridge = DeskBridge()
    order: list[object] = []
    bridge.entries_appended.connect(lambda entries: order.append([e.seq for e in entries]))
    bridge.notice.connect(lambda _level, message: order.append(message))
    bridge.post_entry(event_entry(1, name="identity_set"))
    bridge.post_entry(event_entry(2, name="identity_set"))
    bridge.post(bridge.notice, "info", "ready")
    qtbot.wait(20)
    assert order == []
    bridge.release()
    assert order == [[1, 2], "ready"]


def test_entries_from_another_thread_reach_the_gui_thread(qtbot: QtBot) -> None:
    bridge = DeskBridge()
    bridge.release()
    received: list[tuple[list[int], bool]] = []
    bridge.entries_appended.connect(
        lambda entries: received.append(
            ([e.seq for e in entries], threading.current_thread() is threading.main_thread())
        )
    )
    entry: JournalEntry = event_entry(5, name="identity_set")
    worker = threading.Thread(target=lambda: bridge.post_entry(entry))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(received), timeout=2000)
    assert received == [([5], True)]


def test_input_errors_are_user_facing_messages() -> None:
    # The runner shows str(err): the error tree promises sentences for people.
    assert "@" in str(InvalidEmailError("an email needs an '@', e.g. jane@example.com"))
