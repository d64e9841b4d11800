"""Try a phrase: which entries it would surface, how each method scores them, what alerts."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from agent_assist.phrase_probe import (
    AlertExplanation,
    EntryExplanation,
    MethodScore,
    PhraseExplanation,
)
from agent_assist.retrieval.retriever import LEXICAL_WEIGHT, METHODS, SECOND_MATCH_WEIGHT
from agent_assist.ui.pack_manager.contents_view import topic_label
from agent_assist.ui.pack_manager.tables import (
    cell,
    fill_rows,
    read_only_table,
    row_texts,
    tint_row,
)

SHOWN_TINT = "#dafbe1"
ALERT_TINT = "#ffebe9"
_ENTRY_WIDTHS_PX = (140, 190, 65, 180, 100, 100, 100, 60)


class PhraseView(QWidget):
    """A line to type a phrase in, the entries it would bring up, and the alerts it raises.

    Signals:
        phrase_entered(str): the team lead pressed Enter (or Try) on a non-empty phrase.
    """

    phrase_entered = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(self._build_input())
        self.summary = QLabel(objectName="summary", wordWrap=True)
        self.summary.setAccessibleName(self.tr("What the phrase brings up"))
        layout.addWidget(self.summary)
        self.entries = read_only_table(
            self._entry_headers(), self.tr("Entries the phrase surfaces")
        )
        for column, width in enumerate(_ENTRY_WIDTHS_PX):
            self.entries.setColumnWidth(column, width)
        self._explain_headers()
        layout.addWidget(self.entries, 3)
        self.alerts_title = QLabel(self.tr("Guidance alerts"), objectName="sectionTitle")
        layout.addWidget(self.alerts_title)
        headers = [self.tr("If said by"), self.tr("Detector"), self.tr("Rule"),
                   self.tr("Severity"), self.tr("Why")]  # fmt: skip
        self.alerts = read_only_table(headers, self.tr("Guidance alerts the phrase raises"))
        self.alerts.setColumnWidth(0, 90)
        self.alerts.setColumnWidth(2, 300)
        layout.addWidget(self.alerts, 1)
        self.try_button.clicked.connect(self._on_try_clicked)
        self.phrase.returnPressed.connect(self._on_try_clicked)
        self.set_ready(False, self.tr("Open a pack first."))

    def _build_input(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.phrase = QLineEdit(objectName="phrase", clearButtonEnabled=True)
        self.phrase.setPlaceholderText(
            self.tr("Type what a customer or an agent might say, then press Enter  (Ctrl+L)")
        )
        self.phrase.setAccessibleName(self.tr("Phrase to try"))
        row.addWidget(self.phrase, 1)
        self.try_button = QPushButton(self.tr("Try"))
        self.try_button.setAccessibleName(self.tr("Try the phrase"))
        row.addWidget(self.try_button)
        return row

    def _entry_headers(self) -> list[str]:
        rank_score = self.tr("rank · score")
        methods = [self.tr("Dense"), self.tr("Lexical"), self.tr("Fused")]
        return [
            self.tr("Card"), self.tr("ID"), self.tr("Kind"), self.tr("Title"),
            *(f"{method}\n{rank_score}" for method in methods),
            self.tr("Cosine"), self.tr("Matched phrasing"),
        ]  # fmt: skip

    def _explain_headers(self) -> None:
        tips = {
            0: self.tr("Whether the agent would see this entry as a card"),
            4: self.tr("Cosine of the best phrasing plus {weight} × the second best").format(
                weight=SECOND_MATCH_WEIGHT
            ),
            5: self.tr("BM25 over words and character pairs, relative to the best match"),
            6: self.tr("Dense plus {weight} × lexical: what the app ranks cards by").format(
                weight=LEXICAL_WEIGHT
            ),
            7: self.tr("Cosine of the best matching phrasing; cards need the threshold"),
        }
        for column, tip in tips.items():
            self.entries.horizontalHeaderItem(column).setToolTip(tip)

    def set_ready(self, ready: bool, message: str = "") -> None:
        """Whether phrases can be tried (the pack's index is loaded); ``message`` says why not."""
        self.try_button.setEnabled(ready)
        if message or not ready:
            self.summary.setText(message)

    @Slot()
    def _on_try_clicked(self) -> None:
        text = self.phrase.text().strip()
        if text and self.try_button.isEnabled():
            self.summary.setText(self.tr("Searching…"))
            self.phrase_entered.emit(text)

    def show_explanation(self, found: PhraseExplanation) -> None:
        shown = sum(e.shown for e in found.entries)
        self.summary.setText(
            self.tr(
                "The agent would see {shown} card(s). Cards are ranked by {method} and shown "
                "when the best phrasing's cosine reaches {threshold:.2f} (at most {top_k})."
            ).format(
                shown=shown,
                method=self._method_label(found.method),
                threshold=found.min_score,
                top_k=found.top_k,
            )
        )
        fill_rows(self.entries, [self._entry_row(e) for e in found.entries])
        for row, entry in enumerate(found.entries):
            if entry.shown:
                tint_row(self.entries, row, SHOWN_TINT)
        fill_rows(self.alerts, [self._alert_row(a) for a in found.alerts])
        for row in range(len(found.alerts)):
            tint_row(self.alerts, row, ALERT_TINT)
        self.alerts_title.setText(
            self.tr("Guidance alerts ({count})").format(count=len(found.alerts))
            if found.alerts
            else self.tr("Guidance alerts: none for this phrase")
        )

    def entry_rows(self) -> list[list[str]]:
        return row_texts(self.entries)

    def alert_rows(self) -> list[list[str]]:
        return row_texts(self.alerts)

    def _entry_row(self, entry: EntryExplanation) -> list[QTableWidgetItem]:
        scores = [cell(self._method_text(entry.score_for(m))) for m in METHODS]
        return [
            cell(self._card_text(entry)), cell(entry.entry_id),
            cell(self.tr("Answer") if entry.kind == "answer" else self.tr("Script")),
            cell(entry.title, topic_label(entry.topic)), *scores,
            cell(f"{entry.cosine:.3f}"), cell(entry.matched),
        ]  # fmt: skip

    def _card_text(self, entry: EntryExplanation) -> str:
        if entry.shown:
            return self.tr("✓ Shown")
        if not entry.clears_threshold:
            return self.tr("Below threshold")
        return self.tr("Not in the top cards")

    def _method_label(self, method: str) -> str:
        labels = {
            "dense": self.tr("dense"),
            "lexical": self.tr("lexical"),
            "fused": self.tr("fused"),
        }
        return labels.get(method, method)

    def _method_text(self, score: MethodScore | None) -> str:
        if score is None:
            return self.tr("not found")
        return f"#{score.rank} · {score.score:.3f}"

    def _alert_row(self, alert: AlertExplanation) -> list[QTableWidgetItem]:
        side = self.tr("Agent") if alert.side == "agent" else self.tr("Customer")
        detectors = {
            "compliance": self.tr("Compliance"),
            "privacy_ask": self.tr("Privacy ask"),
            "risk": self.tr("Risk"),
            "emotion": self.tr("Emotion"),
        }
        severities = {"high": self.tr("High"), "medium": self.tr("Medium"), "low": self.tr("Low")}
        feelings = {"angry": self.tr("Angry"), "distressed": self.tr("Distressed")}
        rule = feelings.get(alert.rule_id) or f"{alert.title} ({alert.rule_id})"
        return [
            cell(side), cell(detectors.get(alert.detector, alert.detector)), cell(rule),
            cell(severities.get(alert.severity, alert.severity)),
            cell(f"{alert.how} · {alert.score:.2f}"),
        ]  # fmt: skip
