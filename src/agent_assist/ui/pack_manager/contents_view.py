"""What a pack holds: its manifest, and every knowledge entry and script, filterable."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt, Slot
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from agent_assist.retrieval.pack import TOPICS, ScriptPack
from agent_assist.ui.pack_manager.tables import shorten

# Everything the filter looks at for a row: id, topic, title, text and customer phrasings.
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1
_COLUMN_WIDTHS_PX = (200, 65, 220, 230)


def topic_label(topic: str) -> str:
    return f"{TOPICS.get(topic, topic)} · {topic}"


class ContentsView(QWidget):
    """The manifest in one line, then a table of entries and scripts with a filter box."""

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        row = QHBoxLayout()
        self.filter = QLineEdit(objectName="filter", clearButtonEnabled=True)
        self.filter.setPlaceholderText(
            self.tr("Filter by id, topic, title, text or customer phrasing  (Ctrl+F)")
        )
        self.filter.setAccessibleName(self.tr("Filter entries and scripts"))
        row.addWidget(self.filter, 1)
        self.shown = QLabel(objectName="muted")
        self.shown.setAccessibleName(self.tr("Rows shown"))
        row.addWidget(self.shown)
        layout.addLayout(row)
        self.model = QStandardItemModel(0, 5, self)
        self.model.setHorizontalHeaderLabels(
            [self.tr("ID"), self.tr("Kind"), self.tr("Topic"), self.tr("Title"),
             self.tr("Answer or script text")]
        )  # fmt: skip
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(SEARCH_ROLE)
        self.proxy.setFilterKeyColumn(0)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = self._build_table()
        layout.addWidget(self.table, 1)
        self.filter.textChanged.connect(self._on_filter_text_changed)
        self._update_count()

    def _build_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.proxy)
        table.setAccessibleName(self.tr("Knowledge entries and scripts"))
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setTabKeyNavigation(False)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setSortingEnabled(True)
        table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # pack order until a header click
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate(_COLUMN_WIDTHS_PX):
            table.setColumnWidth(column, width)
        return table

    def show_pack(self, pack: ScriptPack) -> None:
        self.model.removeRows(0, self.model.rowCount())
        for entry in pack.entries:
            searchable = [entry.answer, *entry.questions]
            self._add_row(entry.id, self.tr("Answer"), entry.topic, entry.title, entry.answer,
                          searchable)  # fmt: skip
        for script in pack.scripts:
            searchable = [script.text, script.when, script.stage]
            self._add_row(script.id, self.tr("Script"), script.topic, script.title, script.text,
                          searchable)  # fmt: skip
        self._update_count()

    def clear(self) -> None:
        self.model.removeRows(0, self.model.rowCount())
        self._update_count()

    def visible_ids(self) -> list[str]:
        return [self.proxy.index(row, 0).data() for row in range(self.proxy.rowCount())]

    def _add_row(
        self, item_id: str, kind: str, topic: str, title: str, body: str, searchable: list[str]
    ) -> None:
        cells = [QStandardItem(t) for t in (item_id, kind, topic_label(topic), title)]
        preview = QStandardItem(shorten(body))
        preview.setToolTip(body)
        cells.append(preview)
        text = " ".join([item_id, topic, TOPICS.get(topic, ""), title, *searchable])
        cells[0].setData(text, SEARCH_ROLE)
        self.model.appendRow(cells)

    @Slot(str)
    def _on_filter_text_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._update_count()

    def _update_count(self) -> None:
        self.shown.setText(
            self.tr("{shown} of {total} shown").format(
                shown=self.proxy.rowCount(), total=self.model.rowCount()
            )
        )
