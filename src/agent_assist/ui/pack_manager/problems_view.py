"""The pack's validation errors and lint warnings, each with its file and line."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from agent_assist.retrieval.pack_lint import PackWarning
from agent_assist.ui.pack_manager.tables import (
    cell,
    fill_rows,
    read_only_table,
    row_texts,
    tint_row,
)

ERROR_TINT = "#ffebe9"
WARNING_TINT = "#fff8c5"
# "file:line: field: message" as load_pack writes it; the field is a dotted path.
_PROBLEM = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?:(?P<field>[\w.()-]+): )?(?P<message>.*)$")


@dataclass(frozen=True, slots=True)
class Problem:
    file: str  # as load_pack names it: a path, or "pack.zip!folder/knowledge.yaml"
    line: int | None
    field: str
    message: str

    @property
    def file_name(self) -> str:
        return re.split(r"[\\/!]", self.file)[-1]


def parse_problem(problem: str) -> Problem:
    """Split one of ``PackValidationError.problems``; anything else is all message."""
    found = _PROBLEM.match(problem)
    if found is None:
        file, sep, message = problem.partition(": ")
        return Problem(file, None, "", message) if sep else Problem("", None, "", problem)
    return Problem(found["file"], int(found["line"]), found["field"] or "", found["message"])


class ProblemsView(QWidget):
    """Errors that stop the pack from loading, then warnings worth a look before publishing."""

    def __init__(self) -> None:
        super().__init__()
        self._errors: list[Problem] = []
        self._warnings: list[PackWarning] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        self.summary = QLabel(objectName="summary", wordWrap=True)
        self.summary.setAccessibleName(self.tr("Validation summary"))
        layout.addWidget(self.summary)
        headers = [self.tr("Severity"), self.tr("File"), self.tr("Line"), self.tr("Field or entry"),
                   self.tr("Problem")]  # fmt: skip
        self.table = read_only_table(headers, self.tr("Problems found in the pack"))
        self.table.setColumnWidth(0, 80)
        self.table.setColumnWidth(1, 150)
        self.table.setColumnWidth(2, 50)
        self.table.setColumnWidth(3, 200)
        # Messages name the allowed values: show them whole.
        self.table.setWordWrap(True)
        layout.addWidget(self.table, 1)
        self.clear()

    def clear(self, summary: str = "") -> None:
        self._errors, self._warnings = [], []
        self.summary.setText(summary or self.tr("Open a pack to check it."))
        fill_rows(self.table, [])

    def show_errors(self, problems: Sequence[str]) -> None:
        self._errors = [parse_problem(p) for p in problems]
        self._warnings = []
        self._render()

    def show_warnings(self, warnings: Sequence[PackWarning]) -> None:
        self._errors = []
        self._warnings = list(warnings)
        self._render()

    @property
    def count(self) -> int:
        return len(self._errors) + len(self._warnings)

    def rows(self) -> list[list[str]]:
        return row_texts(self.table)

    def _render(self) -> None:
        rows = [
            [cell(self.tr("Error")), cell(p.file_name, p.file), cell(str(p.line or "")),
             cell(p.field), cell(p.message, limit=None)]
            for p in self._errors
        ]  # fmt: skip
        rows += [
            [cell(self.tr("Warning")), cell("knowledge.yaml"), cell(""), cell(w.entry_id),
             cell(w.message, limit=None)]
            for w in self._warnings
        ]  # fmt: skip
        fill_rows(self.table, rows)
        self.table.resizeRowsToContents()
        for row in range(len(rows)):
            tint_row(self.table, row, ERROR_TINT if row < len(self._errors) else WARNING_TINT)
        self.summary.setText(self._summary_text())

    def _summary_text(self) -> str:
        if self._errors:
            return self.tr(
                "{count} problem(s) stop this pack from loading. Fix them in the files named "
                "below and press Reload (Ctrl+R)."
            ).format(count=len(self._errors))
        if self._warnings:
            return self.tr(
                "The pack is valid. {count} warning(s) are worth a look before you publish it."
            ).format(count=len(self._warnings))
        return self.tr("The pack is valid and has no warnings.")
