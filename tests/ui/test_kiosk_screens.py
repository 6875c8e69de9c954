"""What a visitor sees on the kiosk at 1920×1080, under Xvfb: screenshots and their contents.

Each test renders a real kiosk scene in a child process on a private Xvfb display (see
:mod:`tests.ui.kiosk_shots`), saves the PNG to ``artifacts/screenshots/`` and checks the words
shown, that no label is cut, and the colours sampled on screen (arrows, ad slot, verdict).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage

from tests.ui.xvfb_display import REPO, SCREENSHOTS, shoot, xvfb
from uid2_desk.publisher.scenario.loader import find_scenario
from uid2_desk.ui.walkthrough.sequence_paint import NEUTRAL_COLOUR, OUTCOME_COLOURS

pytestmark = [pytest.mark.screenshot, pytest.mark.slow]


def _report(png: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(png.with_suffix(".json").read_text(encoding="utf-8"))
    return data


def same_hue(seen: str, wanted: str) -> bool:
    """Whether a sampled colour is the wanted ink (hue within 15°, clearly saturated)."""
    a, b = QColor(seen), QColor(wanted)
    hue_gap = abs(a.hsvHue() - b.hsvHue())
    return min(hue_gap, 360 - hue_gap) <= 15 and a.hsvSaturation() > 120


def _arrow(report: dict[str, Any], label: str) -> dict[str, Any]:
    return next(a for a in report["arrows"] if a["label"] == label)


def _check_arrow_colours(report: dict[str, Any]) -> None:
    assert report["arrows"], "no arrow was visible"
    for arrow in report["arrows"]:
        if arrow["kind"] == "request":
            wanted = NEUTRAL_COLOUR
        else:
            wanted = OUTCOME_COLOURS.get(arrow["outcome"] or "", NEUTRAL_COLOUR)
        assert same_hue(arrow["colour"], wanted), arrow


def test_kiosk_mid_flow_shows_the_ad_bought_with_the_token(tmp_path: Path) -> None:
    png = shoot("kiosk-mid-flow", tmp_path)
    report = _report(png)
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1920, 1080)
    assert report["clipped"] == []
    bid_step = find_scenario("bid").steps[1]
    assert report["scenario_line"].endswith("· step 2 of 2")
    assert report["scenario_shown"] == report["scenario_line"]  # not cut
    assert report["caption_title"] == bid_step.caption.title
    assert report["caption"]["publisher"] == bid_step.caption.publisher
    assert report["verdict"].startswith("✓ As expected:")
    assert "decrypt success" in report["verdict"]
    assert report["verdict_colour"] == "#15803d"
    device = report["device"]
    assert device["who"] == "Signed in as jane.doe@example.com"
    assert device["ad_title"] == "Ad bought with UID2 token"
    assert device["ad_text"].startswith("A")
    assert "…" in device["ad_text"]
    assert same_hue(report["ad_slot_colour"], "#14532d")
    assert [c["left"].startswith("in ") for c in report["countdowns"]] == [True] * 3
    labels = [a["label"] for a in report["arrows"]]
    assert {"1-d POST /v2/token/generate", "1-e 200 success", "2-a Token to the SSP"} <= set(labels)
    _check_arrow_colours(report)
    assert report["phase_line"] == "Live"


@pytest.mark.parametrize("size", [(1280, 720), (1600, 900)])
def test_the_kiosk_lays_out_on_smaller_screens_without_cutting_anything(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    """Issue 16: at 1600×900 the footer, the title and the ad slot's token were clipped."""
    png = shoot("kiosk-mid-flow", tmp_path, size)
    report = _report(png)
    assert tuple(report["size"]) == size
    assert report["clipped"] == []
    assert report["keys_fit"] is True
    assert report["scenario_shown"] == report["scenario_line"]
    assert report["device"]["ad_title"] == "Ad bought with UID2 token"
    assert same_hue(report["ad_slot_colour"], "#14532d")
    labels = [a["label"] for a in report["arrows"]]
    assert "2-a Token to the SSP" in labels


def test_kiosk_after_an_opt_out_clears_the_identity_and_shows_it_in_purple(
    tmp_path: Path,
) -> None:
    png = shoot("kiosk-optout", tmp_path)
    report = _report(png)
    assert report["clipped"] == []
    assert report["caption_title"] == "The refresh answers optout"
    assert report["verdict"].startswith("✓ As expected: state opted_out, status optout")
    device = report["device"]
    assert device["state"] == "Opted out"
    assert device["ad_title"] == "Ad slot: no UID2"
    assert "opted out" in device["ad_text"]
    assert same_hue(report["ad_slot_colour"], "#581c87")
    assert [c["left"] for c in report["countdowns"]] == ["—"] * 3
    optout = _arrow(report, "3-c 200 optout")
    assert same_hue(optout["colour"], OUTCOME_COLOURS["optout"])
    _check_arrow_colours(report)


def test_the_kiosk_from_the_command_line_fills_the_screen_and_leaves_on_the_chord(
    tmp_path: Path,
) -> None:
    """``uid2-desk --kiosk --scenario server-only`` on a bare X server, keys typed by xdotool."""
    for tool in ("xdotool", "import"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (apt-get install xdotool imagemagick)")
    png = SCREENSHOTS / "kiosk-cli.png"
    with xvfb() as display:
        env = {
            **os.environ,
            "DISPLAY": display,
            "QT_QPA_PLATFORM": "xcb",
            "UID2_DESK_HOME": str(tmp_path),
        }
        with subprocess.Popen(
            [sys.executable, "-m", "uid2_desk", "--kiosk", "--scenario", "server-only"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as app:
            try:
                # Until the sign-in has happened on screen: the ad slot's "Token ready" blue and
                # the operator's green reply (a condition, not a fixed wait).
                deadline = time.monotonic() + 60
                while True:
                    assert app.poll() is None, "the kiosk ended by itself"
                    subprocess.run(["import", "-window", "root", str(png)], env=env, check=True)
                    if {"#1e3a8a", "#15803d"} <= _colours(QImage(str(png))):
                        break
                    assert time.monotonic() < deadline, "the kiosk never showed a signed-in user"
                    time.sleep(0.5)
                subprocess.run(["xdotool", "key", "ctrl+shift+q"], env=env, check=True)
                time.sleep(0.3)
                subprocess.run(["xdotool", "key", "ctrl+shift+q"], env=env, check=True)
                _out, err = app.communicate(timeout=20)
            finally:
                if app.poll() is None:
                    app.kill()
                    app.communicate()
    assert app.returncode == 0, err
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1920, 1080)
    # The kiosk's navy fills the screen's corners: it is full screen, not a window.
    for x, y in ((5, 5), (1914, 5), (5, 1074), (1914, 1074)):
        assert image.pixelColor(x, y).name() == "#0f172a", (x, y)
    # The ad slot's blue ("Token ready") and the operator's green reply are on screen.
    colours = _colours(image)
    assert "#1e3a8a" in colours
    assert "#15803d" in colours


def _colours(image: QImage) -> set[str]:
    """The colours on screen, sampled every 4 pixels."""
    return {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 4)
        for y in range(0, image.height(), 4)
    }
