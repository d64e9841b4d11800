"""The panel under faults: a full disk under the call record, and a recognizer that breaks
mid-call. The agent keeps the alerts and the transcript, is told once and clearly, and can
go on with the next call."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from pytestqt.qtbot import QtBot

from agent_assist.call_session import CallSession
from agent_assist.config import RetrievalSettings, UiSettings
from agent_assist.domain import Query, RetrievalResult, Speaker
from agent_assist.errors import AgentAssistError
from agent_assist.guidance.call_meta import CallMetadata
from agent_assist.guidance.engine import GuidanceModel
from agent_assist.pipeline.controller import AssistController, CallState
from agent_assist.record.store import CallStore
from agent_assist.retrieval.pack import load_pack
from agent_assist.speech.call_script import load_call_script
from agent_assist.speech.live import LiveSpeech, SpeechOptions
from agent_assist.speech.recognizer import load_vosk_model
from agent_assist.speech.replay import ScriptReplay
from agent_assist.speech.sources.file import FileSource
from agent_assist.ui.main_window import MainWindow
from tests.conftest import DEMO_CALL, SAMPLE_PACK
from tests.integration.test_faults_speech import CustomerSideBreaks, write_two_sided_call
from tests.support.disk import NO_PAGE_LIMIT, fill_disk_completely

CALL_MS = 60_000


class NoCards:
    def search(self, query: Query) -> RetrievalResult:
        return RetrievalResult(query=query, suggestions=())


class Sessions:
    """Opens each call's session on the record; the disk is full until the second call."""

    def __init__(self, store: CallStore) -> None:
        self._store = store
        self._model = GuidanceModel(load_pack(SAMPLE_PACK).guidance, None)
        self.opened = 0

    def __call__(self, _services: object) -> CallSession:
        self.opened += 1
        if self.opened == 2:  # in the record's own thread, between the two calls
            self._store._db.execute(f"PRAGMA max_page_count={NO_PAGE_LIMIT}")
        return CallSession(self._model, self._store, CallMetadata())


@pytest.fixture
def panel(qtbot: QtBot) -> Iterator[tuple[AssistController, MainWindow]]:
    made: list[AssistController] = []

    def make(**kwargs: object) -> tuple[AssistController, MainWindow]:
        controller = AssistController(RetrievalSettings(debounce_ms=20), **kwargs)  # type: ignore[arg-type]
        made.append(controller)
        window = MainWindow(controller, UiSettings())
        window.reconnect_requested.connect(controller.reconnect)  # as app.build_panel does
        qtbot.addWidget(window)
        window.show()
        services = SimpleNamespace(
            retriever=NoCards(),
            pack=SimpleNamespace(manifest=SimpleNamespace(id="p", version="1")),
            embedder=SimpleNamespace(model_id="none"),
        )
        with qtbot.waitSignal(controller.state_changed, timeout=5000):
            controller.load(lambda progress: services)  # type: ignore[arg-type,return-value]
        return controller, window

    yield make  # type: ignore[misc]
    for controller in made:
        controller.shutdown()


def test_a_full_disk_keeps_the_alerts_on_screen_and_is_told_once(
    qtbot: QtBot, panel: object, tmp_path: Path
) -> None:
    store = CallStore(tmp_path / "calls.sqlite3")
    fill_disk_completely(store)
    sessions = Sessions(store)
    controller, window = panel(session_for=sessions)  # type: ignore[operator]
    errors: list[AgentAssistError] = []
    controller.error_raised.connect(errors.append)
    alerts: list[str] = []
    controller.guidance_updated.connect(lambda e: alerts.append(getattr(e, "rule_id", "")))
    script = load_call_script(DEMO_CALL)
    controller.start_call(lambda: ScriptReplay(script, realtime=False))
    qtbot.waitUntil(lambda: controller.state is CallState.READY, timeout=CALL_MS)
    qtbot.waitUntil(lambda: "hidden-cost" in alerts, timeout=5000)  # the last one said
    assert {"emotion-angry", "risk-scam-pretext"} <= set(alerts) and window.alerts.shown
    assert "The disk is full" in window.status.text()
    with qtbot.waitSignal(controller.call_recorded, timeout=CALL_MS) as recorded:
        controller.start_call(lambda: ScriptReplay(script, realtime=False))
    assert recorded.args[0].record["call"]["status"] == "ended"
    assert window.summary.isVisible(), "space was freed: the next call is recorded as before"
    assert [str(e).split(":")[0] for e in errors] == ["The disk is full"]


@pytest.mark.slow
def test_a_broken_recognizer_is_shown_and_the_agent_can_reconnect(
    qtbot: QtBot, panel: object, tmp_path: Path, korean_vosk_model_dir: Path
) -> None:
    engine = CustomerSideBreaks(load_vosk_model(korean_vosk_model_dir))
    recording = write_two_sided_call(tmp_path / "call.wav")
    controller, window = panel()  # type: ignore[operator]
    agent_lines: list[object] = []
    controller.transcript_updated.connect(
        lambda t: t.is_final and t.speaker is Speaker.AGENT and agent_lines.append(t)
    )

    def open_call() -> LiveSpeech:
        return LiveSpeech(FileSource(recording, realtime=False), lambda: engine, SpeechOptions())

    with qtbot.waitSignal(controller.source_failed, timeout=CALL_MS) as failed:
        controller.start_call(open_call)
    assert "客户侧语音识别已停止" in failed.args[0].message
    qtbot.waitUntil(lambda: controller.state is CallState.READY, timeout=CALL_MS)
    assert agent_lines, "the agent side went on"
    assert "customer side" in window.source_banner.text()
    assert window.reconnect_button.isVisible() and window.reconnect_button.isEnabled()
    assert window.transcript.line_texts(), "the transcript so far stays on screen"
    window.reconnect_button.click()
    assert controller.state is CallState.IN_CALL and not window.source_banner.isVisible()
    qtbot.waitUntil(lambda: controller.state is CallState.READY, timeout=CALL_MS)
    assert not window.source_banner.isVisible(), "the next call has working recognizers"
