"""Transcript lines update in place and follow the call unless the agent scrolls back."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QAbstractSlider
from pytestqt.qtbot import QtBot

from agent_assist.domain import Speaker, Transcript
from agent_assist.ui.transcript_view import TranscriptView


def _t(n: int, text: str, final: bool = True) -> Transcript:
    speaker = Speaker.CUSTOMER if n % 2 else Speaker.AGENT
    return Transcript(f"{speaker.value}-{n}", speaker, text, final, n, n + 1, time.monotonic_ns())


def test_partial_then_final_update_one_line(qtbot: QtBot) -> None:
    view = TranscriptView()
    qtbot.addWidget(view)
    view.show_transcript(_t(1, "我想", final=False))
    view.show_transcript(_t(1, "我想提前还款"))
    assert view.line_texts() == ["客户  我想提前还款"]
    assert not view.item(0).font().italic()


def test_follows_the_call_until_the_agent_scrolls_back(qtbot: QtBot) -> None:
    view = TranscriptView()
    qtbot.addWidget(view)
    view.resize(300, 150)
    view.show()
    for n in range(40):
        view.show_transcript(_t(n, "这是一句比较长的话，会换行显示在很窄的侧边栏里面。" * 2))
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    bar.triggerAction(QAbstractSlider.SliderAction.SliderToMinimum)
    view.show_transcript(_t(41, "新的一句"))
    assert not view.following
    assert bar.value() < bar.maximum()
