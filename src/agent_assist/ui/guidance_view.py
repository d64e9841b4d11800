"""Alerts above the cards and the required-steps checklist: what guidance tells the agent."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from agent_assist.guidance.events import Alert, AlertFollowUp, AlertKind, ChecklistUpdate
from agent_assist.ui import labels

# At most this many alerts stay on screen: the newest; the rest are in the call record.
MAX_SHOWN = 2


def alert_level(alert: Alert) -> str:
    """red: stop and act (risk, high-severity rules); amber: adjust (emotion, medium)."""
    if alert.kind is AlertKind.RISK or alert.severity.value == "high":
        return "red"
    return "amber"


class AlertCard(QFrame):
    """One alert: what happened, what to say instead (copyable), and the quote."""

    dismissed = Signal(int)

    def __init__(self, alert: Alert) -> None:
        super().__init__(objectName="alert")
        self.alert = alert
        self.setProperty("level", alert_level(alert))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(2)
        top = QHBoxLayout()
        kind = labels.alert_kind(alert.kind)
        title = QLabel(f"⚠ {kind} · {alert.title}", objectName="alertTitle")
        title.setWordWrap(True)
        top.addWidget(title, 1)
        if alert.advice:
            copy = QPushButton(self.tr("Copy script"), objectName="copy")
            copy.setToolTip(self.tr("Copy what to say instead (Ctrl+0: the newest alert)"))
            copy.setAccessibleName(
                self.tr("Copy the advised script: {title}").format(title=alert.title)
            )
            copy.clicked.connect(self._on_copy_clicked)
            top.addWidget(copy)
        close = QPushButton("✕", objectName="dismiss", fixedWidth=28)
        close.setAccessibleName(self.tr("Dismiss the alert"))
        close.clicked.connect(self._on_close_clicked)
        top.addWidget(close)
        layout.addLayout(top)
        self.details: list[QLabel] = []  # what a compact card hides: advice and quote
        if alert.advice:
            advice = QLabel(
                self.tr("Say: {advice}").format(advice=alert.advice),
                objectName="alertAdvice",
                wordWrap=True,
            )
            advice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(advice)
            self.details.append(advice)
        self.quote: QLabel | None = None
        if alert.quote:
            self.quote = QLabel(f"「{alert.quote}」", objectName="alertQuote", wordWrap=True)
            layout.addWidget(self.quote)
            self.details.append(self.quote)
        self.note = QLabel(objectName="alertQuote", wordWrap=True, visible=False)
        layout.addWidget(self.note)

    def follow_up(self, follow_up: AlertFollowUp) -> None:
        self.note.setText(("✓ " if follow_up.resolved else "✗ ") + follow_up.note)
        self.note.setVisible(True)
        if follow_up.resolved:
            self.setProperty("level", "done")
            self.style().unpolish(self)
            self.style().polish(self)
            self.set_compact(True)  # handled: keep the outcome, give the room back to the cards

    def set_compact(self, compact: bool) -> None:
        for label in self.details:
            label.setVisible(not compact)

    @Slot()
    def _on_copy_clicked(self) -> None:
        self.copy_advice()

    def copy_advice(self) -> None:
        QGuiApplication.clipboard().setText(self.alert.advice)

    @Slot()
    def _on_close_clicked(self) -> None:
        self.dismissed.emit(self.alert.alert_id)


class AlertsView(QWidget):
    """The newest alerts, stacked above the cards; hidden while there are none."""

    def __init__(self) -> None:
        super().__init__()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self._cards: dict[int, AlertCard] = {}
        self.setVisible(False)

    @property
    def shown(self) -> list[Alert]:
        return [card.alert for card in self._cards.values()]

    def show_alert(self, alert: Alert) -> None:
        card = AlertCard(alert)
        card.dismissed.connect(self._on_card_dismissed)
        for shown in self._cards.values():
            # Two alerts on one sentence: the newest card, on top, quotes it for both.
            if shown.quote is not None and shown.alert.quote == alert.quote:
                shown.quote.setVisible(False)
        self._cards[alert.alert_id] = card
        self._layout.insertWidget(0, card)
        while len(self._cards) > MAX_SHOWN:
            self._remove(next(iter(self._cards)))
        self.setVisible(True)

    def follow_up(self, follow_up: AlertFollowUp) -> None:
        card = self._cards.get(follow_up.alert_id)
        if card is not None:
            card.follow_up(follow_up)

    def clear_call(self) -> None:
        for alert_id in list(self._cards):
            self._remove(alert_id)

    @Slot()
    def copy_newest_advice(self) -> None:
        """Ctrl+0: what to say now, without reaching for the mouse."""
        advised = [card for card in self._cards.values() if card.alert.advice]
        if advised:
            advised[-1].copy_advice()

    def compact(self) -> None:
        """After hang-up the summary needs the room: alerts keep only their titles."""
        for card in self._cards.values():
            card.set_compact(True)

    @Slot(int)
    def _on_card_dismissed(self, alert_id: int) -> None:
        self._remove(alert_id)

    def _remove(self, alert_id: int) -> None:
        card = self._cards.pop(alert_id)
        card.setParent(None)
        card.deleteLater()
        self.setVisible(bool(self._cards))


class ChecklistView(QLabel):
    """One line of steps: ✓ done, ○ still to say, ● required and missing (orange)."""

    def __init__(self) -> None:
        super().__init__(objectName="checklist", wordWrap=True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAccessibleName(self.tr("Required steps"))
        self.update_state: ChecklistUpdate | None = None
        self.setVisible(False)

    def show_checklist(self, update: ChecklistUpdate) -> None:
        self.update_state = update
        parts = []
        for step in update.steps:
            if step.done:
                parts.append(f"<span style='color:#1a7f37'>✓ {step.title}</span>")
            elif step.required:
                parts.append(f"<span style='color:#bc4c00'>○ {step.title}</span>")
            else:
                parts.append(f"<span style='color:#8c959f'>· {step.title}</span>")
        self.setText(self.tr("Steps") + "  " + "　".join(parts))
        missing = [s.script for s in update.missing if s.script]
        self.setToolTip("\n".join(missing))
        self.setVisible(bool(update.steps))
