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
from agent_assist.ui import labels

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
        self.setAccessibleName(
            self.tr("Suggestion {rank}: {title}").format(rank=rank + 1, title=suggestion.title)
        )
        self._build_ui(rank)

    def _build_ui(self, rank: int) -> None:
        s = self.suggestion
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 10, 10)
        layout.setSpacing(4)
        header = QHBoxLayout()
        chip = QLabel(f"{labels.card_kind(s.kind)} · {labels.topic(s.topic)}")
        chip.setObjectName("chip")
        chip.setProperty("kind", s.kind.value)
        header.addWidget(chip)
        meta = QLabel(self.tr("match {score}").format(score=f"{s.score:.2f}"))
        meta.setObjectName("cardMeta")
        meta.setToolTip(self.tr("Closest phrasing: {text}").format(text=s.matched))
        header.addWidget(meta)
        header.addStretch(1)
        copy = self.tr("Copy")
        self.copy_button = QPushButton(f"{copy} Ctrl+{rank + 1}" if rank < 3 else copy)
        self.copy_button.setObjectName("copy")
        self.copy_button.setAccessibleName(self.tr("Copy suggestion {rank}").format(rank=rank + 1))
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
        self.expand_button = QPushButton(self.tr("Show all"), objectName="flat", checkable=True)
        self.expand_button.setAccessibleName(
            self.tr("Show the full text of suggestion {rank}").format(rank=rank + 1)
        )
        self.expand_button.setVisible(shortened)
        self.expand_button.toggled.connect(self._on_expand_toggled)
        footer.addWidget(self.expand_button)
        footer.addStretch(1)
        self.rate_buttons: dict[str, QPushButton] = {}
        # Words, not emoji: agent workstations often lack an emoji font.
        faces = {
            "helpful": (self.tr("Helpful"), self.tr("This suggestion helped")),
            "unhelpful": (self.tr("Not helpful"), self.tr("This suggestion did not help")),
        }
        for action, (face, name) in faces.items():
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
        self.expand_button.setText(self.tr("Show less") if expanded else self.tr("Show all"))

    def _rate(self, action: str) -> None:
        # One rating per card: choosing one clears the other; the latest is what counts.
        for other, button in self.rate_buttons.items():
            button.setChecked(other == action)
        self.rated.emit(self.suggestion.entry_id, action)

    @Slot()
    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(self.suggestion.body)
        self.copy_button.setText(self.tr("Copied ✓"))
        QTimer.singleShot(_COPIED_FEEDBACK_MS, self._reset_copy_label)
        self.copied.emit(self.suggestion.entry_id)

    @Slot()
    def _reset_copy_label(self) -> None:
        self.copy_button.setText(self.tr("Copy"))


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
        self.setAccessibleName(self.tr("Suggestions"))
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(8)
        self._context = QLabel()
        self._context.setObjectName("context")
        self._context.setWordWrap(True)
        self._layout.addWidget(self._context)
        self._empty = QLabel(
            self.tr(
                "When the customer asks something, answers and scripts ready to use appear here."
            )
        )
        self._empty.setObjectName("empty")
        self._empty.setWordWrap(True)
        self._layout.addWidget(self._empty)
        self._layout.addStretch(1)
        self.cards: list[SuggestionCard] = []
        self._context.hide()

    def show_result(self, result: RetrievalResult) -> None:
        ids = [s.entry_id for s in result.suggestions]
        self._context.setText(self.tr("For the customer: “{text}”").format(text=result.query.text))
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
        self._context.setText(
            self.tr("Nothing matches “{text}”. Try other words.").format(text=text)
        )
        self._context.show()

    def clear_cards(self) -> None:
        for card in self.cards:
            self._layout.removeWidget(card)
            card.deleteLater()
        self.cards = []

    def copy_card(self, rank: int) -> None:
        if rank < len(self.cards):
            self.cards[rank].copy_to_clipboard()
