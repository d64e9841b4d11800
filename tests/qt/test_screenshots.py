"""Screenshots of each main state in both languages, taken the way the docs' ones are: the
demo call through the real pipeline, on a real X server (Xvfb) with a CJK font."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.conftest import REPO

pytestmark = pytest.mark.slow

STATES = ("idle", "mid-call", "alert", "end-of-call")
LANGUAGES = ("zh_CN", "en")


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory, use_model_dir: Path) -> Path:
    xvfb = shutil.which("xvfb-run")
    assert xvfb, "Xvfb is needed for the screenshot test (Debian: xvfb xauth; .ci/run installs it)"
    work = tmp_path_factory.mktemp("screenshots")
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "xcb",
        "AGENT_ASSIST_HOME": str(work / "home"),
        "AGENT_ASSIST_RETRIEVAL__EMBEDDER": str(use_model_dir),
        "AGENT_ASSIST_RETRIEVAL__INDEX_ROOT": str(work / "index"),
    }
    command = [sys.executable, str(REPO / "tools/screenshot_panel.py"), "--out", str(work)]
    done = subprocess.run(
        [xvfb, "-a", "-s", "-screen 0 1280x1000x24", *command, "--speed", "8"],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return work


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_state_shows_what_it_should(screenshots: Path, language: str) -> None:
    shown = json.loads((screenshots / f"states-{language}.json").read_text())
    assert shown["idle"]["cards"] == 0 and shown["idle"]["transcript_lines"] == 0
    assert shown["mid-call"]["cards"] >= 1
    assert shown["alert"]["alerts"] >= 1
    assert shown["end-of-call"]["summary"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("state", STATES)
def test_each_screenshot_is_a_real_picture_of_the_panel(
    screenshots: Path, language: str, state: str
) -> None:
    image = QImage(str(screenshots / f"{state}-{language}.png"))
    assert not image.isNull()
    assert image.width() >= 320 and image.height() >= 640, "the panel's minimum size"
    # A blank or failed grab is one colour; a rendered panel has text, cards and borders.
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 50
