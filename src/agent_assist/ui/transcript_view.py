"""Live transcript: one line per utterance, speaker-coloured, partials greyed."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

from agent_assist.domain import Speaker, Transcript
from agent_assist.ui import labels
from agent_assist.ui.style import AGENT_COLOUR, CUSTOMER_COLOUR, PARTIAL_COLOUR

_FOLLOW_SLACK_PX = 8


class TranscriptView(QListWidget):
    """Updates an utterance's line in place from its first partial to its final."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transcript")
        self.setAccessibleName(self.tr("Live transcript"))
        self.setWordWrap(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._items: dict[str, QListWidgetItem] = {}
        # Follow the conversation unless the agent has scrolled back to read; only the
        # agent's own scrolling changes this, layout changes never do.
        self.following = True
        bar = self.verticalScrollBar()
        bar.actionTriggered.connect(self._on_scrollbar_action)
        bar.rangeChanged.connect(self._on_scrollbar_range_changed)

    @Slot(int)
    def _on_scrollbar_action(self, _action: int) -> None:
        bar = self.verticalScrollBar()
        self.following = bar.sliderPosition() >= bar.maximum() - _FOLLOW_SLACK_PX

    @Slot(int, int)
    def _on_scrollbar_range_changed(self, _minimum: int, maximum: int) -> None:
        if self.following:
            self.verticalScrollBar().setValue(maximum)

    def show_transcript(self, transcript: Transcript) -> None:
        item = self._items.get(transcript.utterance_id)
        if item is None:
            item = QListWidgetItem()
            self._items[transcript.utterance_id] = item
            self.addItem(item)
        label = labels.speaker(transcript.speaker)
        item.setText(f"{label}  {transcript.text}")
        font = QFont(self.font())
        font.setItalic(not transcript.is_final)
        item.setFont(font)
        if not transcript.is_final:
            colour = PARTIAL_COLOUR
        elif transcript.speaker is Speaker.CUSTOMER:
            colour = CUSTOMER_COLOUR
        else:
            colour = AGENT_COLOUR
        item.setForeground(QColor(colour))
        if self.following:
            self.scrollToBottom()

    def line_texts(self) -> list[str]:
        return [self.item(i).text() for i in range(self.count())]

    def clear_call(self) -> None:
        self.clear()
        self._items.clear()
