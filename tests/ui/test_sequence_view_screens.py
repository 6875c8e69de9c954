"""The desk's sequence diagram as a person sees it, under Xvfb, after a full server-only flow."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.test_kiosk_screens import _check_arrow_colours, _report
from tests.ui.xvfb_display import shoot

pytestmark = [pytest.mark.screenshot, pytest.mark.slow]


def test_the_diagram_after_a_full_server_only_flow(tmp_path: Path) -> None:
    png = shoot("diagram-server-only", tmp_path)
    report = _report(png)
    assert report["passed"] is True
    labels = [a["label"] for a in report["arrows"]]
    for step in ("1-a", "1-d", "1-e", "1-f", "3-b", "3-c", "3-d", "4-a", "4-b"):
        assert any(label.startswith(f"{step} ") for label in labels), step
    assert "1-e 200 success" in labels
    assert "3-c 200 success" in labels
    assert "POST /v2/token/validate" in labels
    _check_arrow_colours(report)
    assert len(report["notes"]) == 2
