"""Suggestion cards: the best answer first, large; each one click to copy."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from agent_assist.domain import RetrievalResult, Suggestion
from agent_assist.retrieval.pack import TOPICS
from agent_assist.ui.style import KIND_LABELS

_COPIED_FEEDBACK_MS = 1200
# Cards below the first show a preview of this many characters; copy takes the full text.
_PREVIEW_CHARS = 48


class SuggestionCard(QFrame):
    """One card: topic chip, title, text to say, and a copy button.

    Signals:
        copied(str): the entry id whose text was put on the clipboard.
    """

    copied = Signal(str)

    def __init__(self, suggestion: Suggestion, rank: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.suggestion = suggestion
        self.setObjectName("card")
        self.setProperty("kind", suggestion.kind.value)
        self.setAccessibleName(f"建议 {rank + 1}: {suggestion.title}")
        self._build_ui(rank)

    def _build_ui(self, rank: int) -> None:
        s = self.suggestion
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 10, 10)
        layout.setSpacing(4)
        header = QHBoxLayout()
        chip = QLabel(f"{KIND_LABELS[s.kind.value]} · {TOPICS.get(s.topic, s.topic)}")
        chip.setObjectName("chip")
        chip.setProperty("kind", s.kind.value)
        header.addWidget(chip)
        meta = QLabel(f"匹配度 {s.score:.2f}")
        meta.setObjectName("cardMeta")
        meta.setToolTip(f"最接近的问法: {s.matched}")
        header.addWidget(meta)
        header.addStretch(1)
        self.copy_button = QPushButton(f"复制 Ctrl+{rank + 1}" if rank < 3 else "复制")
        self.copy_button.setObjectName("copy")
        self.copy_button.setAccessibleName(f"复制建议 {rank + 1}")
        self.copy_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        header.addWidget(self.copy_button)
        layout.addLayout(header)
        body = (
            s.body if rank == 0 or len(s.body) <= _PREVIEW_CHARS else s.body[:_PREVIEW_CHARS] + "…"
        )
        self.setToolTip(s.body)
        for name, text in (("cardTitle", s.title), ("cardBody", body)):
            label = QLabel(text)
            label.setObjectName(name)
            label.setProperty("rank", str(min(rank, 1)))
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
            layout.addWidget(label)

    @Slot()
    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(self.suggestion.body)
        self.copy_button.setText("已复制 ✓")
        QTimer.singleShot(_COPIED_FEEDBACK_MS, self._reset_copy_label)
        self.copied.emit(self.suggestion.entry_id)

    @Slot()
    def _reset_copy_label(self) -> None:
        self.copy_button.setText("复制")


class SuggestionPanel(QWidget):
    """Shows the cards of the latest useful result; keeps them when nothing better arrives.

    Signals:
        card_used(str): the agent copied a card's text (the entry id), for the call record.
    """

    card_used = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("建议 Suggestions")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(8)
        self._context = QLabel()
        self._context.setObjectName("context")
        self._context.setWordWrap(True)
        self._layout.addWidget(self._context)
        self._empty = QLabel("客户提问后，这里会出现可直接使用的答案和话术。")
        self._empty.setObjectName("empty")
        self._empty.setWordWrap(True)
        self._layout.addWidget(self._empty)
        self._layout.addStretch(1)
        self.cards: list[SuggestionCard] = []
        self._context.hide()

    def show_result(self, result: RetrievalResult) -> None:
        ids = [s.entry_id for s in result.suggestions]
        self._context.setText(f"针对客户: “{result.query.text}”")
        self._context.show()
        if ids == [c.suggestion.entry_id for c in self.cards]:
            return  # same cards in the same order: no flicker
        self.clear_cards()
        self._empty.hide()
        for rank, suggestion in enumerate(result.suggestions):
            card = SuggestionCard(suggestion, rank, self)
            card.copied.connect(self.card_used)
            self._layout.insertWidget(1 + rank, card)
            self.cards.append(card)

    def clear_cards(self) -> None:
        for card in self.cards:
            self._layout.removeWidget(card)
            card.deleteLater()
        self.cards = []

    def copy_card(self, rank: int) -> None:
        if rank < len(self.cards):
            self.cards[rank].copy_to_clipboard()
