"""Suggestion cards: the best answer first, large; each one click to copy."""

from __future__ import annotations

from functools import partial

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
    """One card: topic chip, title, text to say, copy, rate, and expand when shortened.

    Signals:
        copied(str): the entry id whose text was put on the clipboard.
        rated(str, str): the entry id and "helpful" or "unhelpful".
    """

    copied = Signal(str)
    rated = Signal(str, str)

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
        shortened = rank > 0 and len(s.body) > _PREVIEW_CHARS
        self._preview = s.body[:_PREVIEW_CHARS] + "…" if shortened else s.body
        self.setToolTip(s.body)
        for name, text in (("cardTitle", s.title), ("cardBody", self._preview)):
            label = QLabel(text)
            label.setObjectName(name)
            label.setProperty("rank", str(min(rank, 1)))
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
            layout.addWidget(label)
        self.body_label = label
        layout.addLayout(self._build_footer(rank, shortened))

    def _build_footer(self, rank: int, shortened: bool) -> QHBoxLayout:
        footer = QHBoxLayout()
        footer.setSpacing(4)
        self.expand_button = QPushButton("展开全文", objectName="flat", checkable=True)
        self.expand_button.setAccessibleName(f"展开建议 {rank + 1} Show the full text")
        self.expand_button.setVisible(shortened)
        self.expand_button.toggled.connect(self._on_expand_toggled)
        footer.addWidget(self.expand_button)
        footer.addStretch(1)
        self.rate_buttons: dict[str, QPushButton] = {}
        # Words, not emoji: agent workstations often lack an emoji font.
        for action, face, name in (("helpful", "有用", "有用 Helpful"),
                                   ("unhelpful", "没用", "没用 Not helpful")):  # fmt: skip
            button = QPushButton(face, objectName="rate", checkable=True)
            button.setAccessibleName(f"{name} ({rank + 1})")
            button.setToolTip(name)
            button.clicked.connect(partial(self._rate, action))
            footer.addWidget(button)
            self.rate_buttons[action] = button
        return footer

    @Slot(bool)
    def _on_expand_toggled(self, expanded: bool) -> None:
        self.body_label.setText(self.suggestion.body if expanded else self._preview)
        self.expand_button.setText("收起" if expanded else "展开全文")

    def _rate(self, action: str) -> None:
        # One rating per card: choosing one clears the other; the latest is what counts.
        for other, button in self.rate_buttons.items():
            button.setChecked(other == action)
        self.rated.emit(self.suggestion.entry_id, action)

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
        card_rated(str, str): the agent rated a card (entry id, "helpful" or "unhelpful").
    """

    card_used = Signal(str)
    card_rated = Signal(str, str)

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
            card.rated.connect(self.card_rated)
            self._layout.insertWidget(1 + rank, card)
            self.cards.append(card)

    def show_missed(self, text: str) -> None:
        """A typed question found nothing: say so, and keep the cards there are."""
        self._context.setText(f"没有找到与“{text}”匹配的答案，换个说法试试。")
        self._context.show()

    def clear_cards(self) -> None:
        for card in self.cards:
            self._layout.removeWidget(card)
            card.deleteLater()
        self.cards = []

    def copy_card(self, rank: int) -> None:
        if rank < len(self.cards):
            self.cards[rank].copy_to_clipboard()
