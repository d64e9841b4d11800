"""The real panel over the real pipeline: demo call in, cards out, one click to copy."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from agent_assist.app import build_panel
from agent_assist.config import RetrievalSettings, Settings
from agent_assist.pipeline.controller import AssistController, CallState
from agent_assist.speech.call_script import load_call_script
from agent_assist.speech.replay import ScriptReplay
from agent_assist.ui.main_window import MainWindow
from tests.conftest import DEMO_CALL, SAMPLE_PACK

pytestmark = pytest.mark.slow

DEMO_SPEED = 20.0


@pytest.fixture
def settings(tmp_path: Path, use_model_dir: Path) -> Settings:
    retrieval = RetrievalSettings(
        embedder=str(use_model_dir), pack=SAMPLE_PACK, index_root=tmp_path / "index", debounce_ms=50
    )
    return Settings(retrieval=retrieval)


def _ready_panel(qtbot: QtBot, settings: Settings) -> tuple[AssistController, MainWindow]:
    """The real panel, shown, with pack and models loaded."""
    controller, window = build_panel(settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: controller.state is CallState.READY, timeout=30_000)
    return controller, window


def test_demo_call_every_question_gets_a_right_topic_card_on_screen(
    qtbot: QtBot, settings: Settings
) -> None:
    """The whole pipeline with its threads and queues, the demo paced at 20x real time."""
    script = load_call_script(DEMO_CALL)
    expected = {u.text: u.topic for u in script.utterances if u.topic}
    controller, window = build_panel(settings)
    qtbot.addWidget(window)
    window.show()
    # The top card on screen for each utterance, whether a partial or the final put it there
    # (the panel does not redraw when the final confirms the cards a partial brought).
    on_screen: dict[str, str] = {}
    final_text: dict[str, str] = {}
    window.cards_rendered.connect(
        lambda result, _ms: on_screen.__setitem__(
            result.query.utterance_id, window.suggestions.cards[0].suggestion.topic
        )
    )
    controller.transcript_updated.connect(
        lambda t: t.is_final and final_text.__setitem__(t.utterance_id, t.text)
    )
    qtbot.waitUntil(lambda: controller.state is CallState.READY, timeout=30_000)
    controller.start_call(partial(ScriptReplay, script, True, DEMO_SPEED))
    qtbot.waitUntil(lambda: controller.state is CallState.IN_CALL)
    qtbot.waitUntil(lambda: controller.state is CallState.READY, timeout=60_000)
    assert len(window.transcript.line_texts()) == len(script.utterances)
    shown = {text: on_screen.get(uid) for uid, text in final_text.items()}
    assert {text: shown.get(text) for text in expected} == expected
    assert window.last_render_ms is not None
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible())


def test_copy_button_and_shortcut_put_the_answer_on_the_clipboard(
    qtbot: QtBot, settings: Settings
) -> None:
    controller, window = _ready_panel(qtbot, settings)
    # Paced (not as fast as possible), so every customer question is searched in turn.
    controller.start_call(partial(ScriptReplay, load_call_script(DEMO_CALL), True, DEMO_SPEED))
    qtbot.waitUntil(lambda: len(window.suggestions.cards) > 1, timeout=60_000)
    qtbot.waitUntil(lambda: controller.state is CallState.READY, timeout=60_000)
    first, second = window.suggestions.cards[:2]
    qtbot.mouseClick(first.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == first.suggestion.body
    assert "已复制" in first.copy_button.text()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() == second.suggestion.body)
    window.close()


def test_closing_mid_call_stops_the_call_first(qtbot: QtBot, settings: Settings) -> None:
    controller, window = build_panel(settings, DEMO_CALL, realtime=True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: controller.state is CallState.IN_CALL, timeout=30_000)
    qtbot.waitUntil(lambda: window.transcript.count() > 0, timeout=10_000)
    window.close()
    qtbot.waitUntil(lambda: controller.state is CallState.READY, timeout=5000)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    assert window.transcript.count() >= 1


def test_a_missing_embedding_model_is_shown_not_crashed(qtbot: QtBot, tmp_path: Path) -> None:
    settings = Settings(
        retrieval=RetrievalSettings(embedder="no-such-model", pack=SAMPLE_PACK, index_root=tmp_path)
    )
    controller, window = build_panel(settings)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: controller.state is CallState.FAILED, timeout=10_000)
    assert "agent-assist models install no-such-model" in window.status.text()
    assert not window.replay_button.isEnabled()
    window.close()


def test_demo_call_shows_alerts_checklist_masked_id_and_the_summary(
    qtbot: QtBot, settings: Settings
) -> None:
    """Guidance on screen during the call, and the summary to edit when it ends."""
    script = load_call_script(DEMO_CALL)
    controller, window = build_panel(settings)
    qtbot.addWidget(window)
    window.show()
    seen_alerts: list[str] = []
    controller.guidance_updated.connect(
        lambda e: seen_alerts.append(e.kind.value) if hasattr(e, "kind") else None
    )
    qtbot.waitUntil(lambda: controller.state is CallState.READY, timeout=30_000)
    controller.start_call(partial(ScriptReplay, script, True, DEMO_SPEED))
    qtbot.waitUntil(lambda: controller.state is CallState.IN_CALL)
    qtbot.waitUntil(lambda: window.summary.isVisible(), timeout=60_000)
    assert {"emotion", "risk", "compliance"} <= set(seen_alerts)
    assert window.alerts.isVisible() and window.alerts.shown
    assert window.checklist.isVisible() and "✓ 告知录音" in window.checklist.text()
    lines = window.transcript.line_texts()
    assert any("[身份证 ****002X]" in line for line in lines)
    assert not any("11010519491231002X" in line for line in lines)
    assert "质检分" in window.summary.heading.text()
    # The agent edits the summary and saves it: the record keeps the edit.
    window.summary.text.setPlainText("客户：还款未入账，已解释\n已提交冻结")
    window.summary.save_button.click()
    store = controller._store()
    assert store is not None
    qtbot.waitUntil(lambda: bool(store.calls()) and store.calls()[0].edited, timeout=5_000)
    assert store.calls()[0].summary["summary"] == ["客户：还款未入账，已解释", "已提交冻结"]
    window.close()  # shuts the controller down: every thread, the record's included, ends
    assert controller._threads == []


def test_typed_search_shows_cards_and_says_when_nothing_matches(
    qtbot: QtBot, settings: Settings
) -> None:
    """Self-service lookup when speech fails: the same cards as if the customer had asked."""
    _controller, window = _ready_panel(qtbot, settings)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.search.hasFocus)
    window.search.setText("我想提前把钱全部还掉 怎么操作")  # keyClicks cannot type CJK
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(window.suggestions.cards), timeout=10_000)
    assert window.suggestions.cards[0].suggestion.topic == "repayment_early"
    window.search.setText("明天会不会下雨 我要不要带伞")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "没有找到" in window.suggestions._context.text(), timeout=10_000)
    assert window.suggestions.cards, "the cards the agent had stay on screen"
    window.close()


def test_cards_are_rated_and_expanded_and_the_rating_is_kept_with_the_call(
    qtbot: QtBot, settings: Settings
) -> None:
    controller, window = _ready_panel(qtbot, settings)
    controller.start_call(partial(ScriptReplay, load_call_script(DEMO_CALL), True, 5.0))
    qtbot.waitUntil(lambda: len(window.suggestions.cards) > 1, timeout=60_000)
    first = window.suggestions.cards[0]
    qtbot.mouseClick(first.rate_buttons["helpful"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(first.rate_buttons["unhelpful"], Qt.MouseButton.LeftButton)
    assert first.rate_buttons["unhelpful"].isChecked()
    assert not first.rate_buttons["helpful"].isChecked()
    shortened = [c for c in window.suggestions.cards if c.expand_button.isVisible()]
    if shortened:
        card = shortened[0]
        assert card.body_label.text().endswith("…")
        qtbot.mouseClick(card.expand_button, Qt.MouseButton.LeftButton)
        assert card.body_label.text() == card.suggestion.body
    rated_id = first.suggestion.entry_id
    controller.stop_call()
    qtbot.waitUntil(lambda: controller.state is CallState.READY, timeout=10_000)
    store = controller._store()
    assert store is not None
    qtbot.waitUntil(lambda: bool(store.calls()), timeout=5_000)

    def actions() -> list[tuple[str, str]]:
        record = store.record(store.calls()[0].call_id)
        return [(a["entry_id"], a["action"]) for a in record["card_actions"]]

    qtbot.waitUntil(lambda: (rated_id, "unhelpful") in actions(), timeout=5_000)
    assert (rated_id, "helpful") in actions()  # the change of mind is kept too
    window.close()


def test_level_meters_follow_each_side(qtbot: QtBot, settings: Settings) -> None:
    from agent_assist.domain import Speaker
    from agent_assist.speech.events import LevelReading

    controller, window = _ready_panel(qtbot, settings)
    controller.speech_event.emit(LevelReading(Speaker.CUSTOMER, -12.0, -3.0, 1.0))
    controller.speech_event.emit(LevelReading(Speaker.AGENT, -80.0, -70.0, 1.0))
    assert window.meters[Speaker.CUSTOMER].value() == 48
    assert window.meters[Speaker.AGENT].value() == 0
    window.close()


def test_the_panel_comes_back_where_and_how_the_agent_left_it(
    qtbot: QtBot, settings: Settings
) -> None:
    controller, window = _ready_panel(qtbot, settings)
    assert window.isVisible()
    window.pin_button.click()
    assert window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    qtbot.waitUntil(window.isVisible)  # a changed flag must not hide the panel
    window.setGeometry(40, 50, 380, 700)
    window.close()
    qtbot.waitUntil(lambda: controller._threads == [], timeout=5_000)

    controller, again = build_panel(settings)
    qtbot.addWidget(again)
    assert again.pin_button.isChecked()
    assert again.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert (again.x(), again.y(), again.width(), again.height()) == (40, 50, 380, 700)
    qtbot.waitUntil(lambda: controller.state is CallState.READY, timeout=30_000)
    again.close()
