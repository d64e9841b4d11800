"""Take a real screenshot of the panel mid-call (run under Xvfb with a CJK font installed).

xvfb-run -s "-screen 0 1280x1000x24" python tools/screenshot_panel.py OUT.png [SECONDS]

SECONDS is the call time of the shot (default: mid-call; 162 shows the scam alert, 220 the
end-of-call summary).
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from agent_assist import paths
from agent_assist.app import build_panel
from agent_assist.config import load_settings
from agent_assist.pipeline.controller import CallState
from agent_assist.speech.call_script import load_call_script
from agent_assist.speech.replay import ScriptReplay

SPEED = 4.0  # call seconds per wall second
CALL_SECONDS = 121.5  # mid-call: the credit-report question has just been answered by a card


def main(out: Path, call_seconds: float = CALL_SECONDS) -> None:
    app = QApplication(sys.argv)
    controller, window = build_panel(load_settings())
    window.move(0, 0)
    window.show()
    script = load_call_script(paths.demo_call_file())

    def start(state: CallState) -> None:
        if state is CallState.READY and not hasattr(start, "done"):
            start.done = True  # type: ignore[attr-defined]
            controller.start_call(partial(ScriptReplay, script, True, SPEED))
            QTimer.singleShot(int(call_seconds / SPEED * 1000), shoot)

    def shoot() -> None:
        screen = window.screen()
        geometry = window.frameGeometry()
        screen.grabWindow(0, geometry.x(), geometry.y(), geometry.width(), geometry.height()).save(
            str(out)
        )
        print(f"saved {out}")
        window.close()
        QTimer.singleShot(500, app.quit)

    controller.state_changed.connect(start)
    app.exec()


if __name__ == "__main__":
    main(
        Path(sys.argv[1] if len(sys.argv) > 1 else "docs/panel-mid-call.png"),
        float(sys.argv[2]) if len(sys.argv) > 2 else CALL_SECONDS,
    )
