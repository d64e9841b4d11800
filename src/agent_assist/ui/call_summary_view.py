"""After hang-up: the call's summary to check, edit, save and export for the ticket."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from agent_assist.call_session import CallEnded
from agent_assist.ui import labels


class CallSummaryView(QWidget):
    """Signals: save_requested(str, dict), export_requested(str, Path)."""

    save_requested = Signal(str, dict)
    export_requested = Signal(str, Path)

    def __init__(self) -> None:
        super().__init__(objectName="summary")
        self._ended: CallEnded | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel(objectName="summaryHeading", wordWrap=True)
        layout.addWidget(self.heading)
        self.disposition = QComboBox()
        self.disposition.setAccessibleName(self.tr("Disposition"))
        for key in labels.DISPOSITIONS:
            self.disposition.addItem(labels.disposition(key), key)
        layout.addWidget(self.disposition)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName(self.tr("Call summary"))
        self.text.setPlaceholderText(self.tr("Call summary, one point per line"))
        layout.addWidget(self.text, 1)
        self.facts = QLabel(objectName="cardMeta", wordWrap=True)
        layout.addWidget(self.facts)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setAccessibleName(self.tr("Save the summary"))
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setAccessibleName(self.tr("Export the call record"))
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.setVisible(False)

    def show_call(self, ended: CallEnded) -> None:
        self._ended = ended
        s = ended.summary
        deductions = "；".join(f"-{d['points']} {d['reason']}" for d in s["qa"]["deductions"])
        self.heading.setText(
            self.tr("Call summary · {topic} · QA score {score}").format(
                topic=labels.topic(s["topic"]), score=s["qa"]["score"]
            )
            + (f"（{deductions}）" if deductions else "")
        )
        index = self.disposition.findData(s["disposition"])
        self.disposition.setCurrentIndex(max(index, 0))
        self.text.setPlainText("\n".join(s["summary"]))
        facts = {k: v for k, v in s["key_facts"].items() if v and k != "requests"}
        self.facts.setText("　".join(f"{labels.fact(k)}: {', '.join(v)}" for k, v in facts.items()))
        self.setVisible(True)

    def edited_summary(self) -> dict[str, Any]:
        if self._ended is None:
            return {}
        lines = [line.strip() for line in self.text.toPlainText().splitlines() if line.strip()]
        return {
            **self._ended.summary,
            "summary": lines,
            "disposition": self.disposition.currentData(),
        }

    def clear_call(self) -> None:
        self._ended = None
        self.setVisible(False)

    @Slot()
    def _on_save_clicked(self) -> None:
        if self._ended is not None:
            self.save_requested.emit(self._ended.call_id, self.edited_summary())

    @Slot()
    def _on_export_clicked(self) -> None:
        if self._ended is None:
            return
        file, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the call"), f"{self._ended.call_id}.json",
            "JSON (*.json);;CSV (*.csv)",
        )  # fmt: skip
        if file:
            self.save_requested.emit(self._ended.call_id, self.edited_summary())
            self.export_requested.emit(self._ended.call_id, Path(file))
