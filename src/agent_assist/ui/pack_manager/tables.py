"""Read-only tables of the pack manager, keyboard-friendly (Tab leaves the table)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

# Longest text a cell shows before it is shortened (the whole text is in its tooltip).
CELL_CHARS = 90


def read_only_table(headers: Sequence[str], accessible_name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setAccessibleName(accessible_name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    # Tab moves on to the next control instead of walking every cell.
    table.setTabKeyNavigation(False)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    header.setHighlightSections(False)
    return table


def shorten(text: str, limit: int = CELL_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def cell(text: str, tooltip: str = "", limit: int | None = CELL_CHARS) -> QTableWidgetItem:
    """A cell showing ``text`` shortened to ``limit`` characters (None: in full)."""
    shortened = limit is not None and len(text) > limit
    item = QTableWidgetItem(shorten(text, limit) if limit is not None else text)
    item.setToolTip(tooltip or (text if shortened else ""))
    return item


def fill_rows(table: QTableWidget, rows: Sequence[Sequence[QTableWidgetItem]]) -> None:
    table.setRowCount(0)
    table.setRowCount(len(rows))
    for row, items in enumerate(rows):
        for column, item in enumerate(items):
            table.setItem(row, column, item)


def tint_row(table: QTableWidget, row: int, colour: str) -> None:
    for column in range(table.columnCount()):
        item = table.item(row, column)
        if item is not None:
            item.setBackground(QColor(colour))


def row_texts(table: QTableWidget) -> list[list[str]]:
    """Every cell's text, row by row (what a screen reader or a test sees)."""
    return [
        [(table.item(r, c).text() if table.item(r, c) else "") for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]
