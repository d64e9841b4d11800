"""Real screenshots of the panel in each main state, in Chinese and English, from the demo call.

    xvfb-run -a -s "-screen 0 1280x1000x24" python tools/screenshot_panel.py [--out DIR]

Writes ``{state}-{language}.png`` for the states idle, mid-call (cards for the customer's
credit-report question), alert (the scam question) and end-of-call (the summary), plus
``states-{language}.json``: what each shot shows (cards, alerts, summary), for the test that
runs this tool. Run under Xvfb with a CJK font (Debian: xvfb fonts-noto-cjk); without a CJK
font Chinese renders as boxes, so the tool refuses to run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from functools import partial
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

from agent_assist import paths
from agent_assist.app import build_panel
from agent_assist.config import load_settings
from agent_assist.pipeline.controller import CallState
from agent_assist.speech.call_script import load_call_script
from agent_assist.speech.replay import ScriptReplay
from agent_assist.ui.i18n import LANGUAGES, install_translation
from agent_assist.ui.main_window import MainWindow

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
# Call time (s) of each in-call shot: the credit-report card has just arrived; the scam
# question's alerts are up. End-of-call is shot when the record is ready.
IN_CALL_SHOTS = {"mid-call": 121.5, "alert": 162.0}
STATES = ("idle", *IN_CALL_SHOTS, "end-of-call")
_SETTLE_MS = 500


def has_cjk_font() -> bool:
    return bool(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))


def what_is_shown(window: MainWindow) -> dict[str, object]:
    return {
        "cards": len(window.suggestions.cards),
        "alerts": len(window.alerts.shown),
        "summary": window.summary.isVisible(),
        "transcript_lines": window.transcript.count(),
    }


def shoot_language(language: str, out: Path, speed: float) -> int:
    app = QApplication(sys.argv)
    if not has_cjk_font():
        print("no CJK font: install one (Debian: fonts-noto-cjk)", file=sys.stderr)
        return 2
    install_translation(app, language)
    controller, window = build_panel(load_settings())
    window.move(0, 0)
    window.show()
    script = load_call_script(paths.demo_call_file())
    shown: dict[str, dict[str, object]] = {}

    def shoot(state: str) -> None:
        file = out / f"{state}-{language}.png"
        geometry = window.frameGeometry()
        window.screen().grabWindow(
            0, geometry.x(), geometry.y(), geometry.width(), geometry.height()
        ).save(str(file))
        shown[state] = what_is_shown(window)
        print(f"saved {file}")

    def start_call() -> None:
        shoot("idle")
        controller.start_call(partial(ScriptReplay, script, True, speed))
        for name, call_s in IN_CALL_SHOTS.items():
            QTimer.singleShot(int(call_s / speed * 1000), partial(shoot, name))

    def on_state(state: CallState) -> None:
        if state is CallState.READY and not shown:
            QTimer.singleShot(_SETTLE_MS, start_call)  # let the ready panel paint first
        elif state is CallState.FAILED:
            print(f"the panel could not start: {window.status.text()}", file=sys.stderr)
            app.exit(1)

    def on_recorded(_ended: object) -> None:
        QTimer.singleShot(_SETTLE_MS, finish)

    def finish() -> None:
        shoot("end-of-call")
        (out / f"states-{language}.json").write_text(json.dumps(shown, indent=2))
        window.close()
        QTimer.singleShot(500, app.quit)

    controller.state_changed.connect(on_state)
    controller.call_recorded.connect(on_recorded)
    return app.exec()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--language", choices=(*LANGUAGES, "all"), default="all")
    parser.add_argument("--speed", type=float, default=4.0, help="call seconds per second")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.language != "all":
        return shoot_language(args.language, args.out, args.speed)
    # One process per language: widgets take the interface language they are made in.
    for language in LANGUAGES:
        command = [sys.executable, __file__, "--out", str(args.out), "--speed", str(args.speed)]
        done = subprocess.run([*command, "--language", language], check=False)
        if done.returncode:
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
