"""Which pack version each workstation of the team runs, from the shared status folder."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from agent_assist.retrieval.pack import ScriptPack
from agent_assist.team_status import WorkstationStatus
from agent_assist.ui.pack_manager.tables import (
    cell,
    fill_rows,
    read_only_table,
    row_texts,
    tint_row,
)

OUTDATED_TINT = "#ffebe9"
DIFFERENT_TINT = "#fff8c5"
CURRENT_TINT = "#dafbe1"
_COLUMN_WIDTHS_PX = (130, 120, 90, 200, 100, 310)


def _version_key(version: str) -> tuple[int, ...] | None:
    """1.2.10 → (1, 2, 10); None when the version is not plain numbers."""
    parts = re.split(r"[.+-]", version)
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None


class WorkstationsView(QWidget):
    """A table of workstations and whether each runs the loaded pack.

    Signals:
        refresh_requested(): the team lead asked to read the status folder again.
    """

    refresh_requested = Signal()

    def __init__(self, status_dir: Path | None) -> None:
        super().__init__()
        self._statuses: list[WorkstationStatus] = []
        self._pack: ScriptPack | None = None
        self._pack_sha = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        row = QHBoxLayout()
        self.folder = QLabel(objectName="summary", wordWrap=True)
        self.folder.setAccessibleName(self.tr("Team status folder"))
        self.folder.setText(self._folder_text(status_dir))
        row.addWidget(self.folder, 1)
        self.refresh_button = QPushButton(self.tr("Refresh  (F5)"))
        self.refresh_button.setAccessibleName(self.tr("Refresh the workstation list"))
        self.refresh_button.setEnabled(status_dir is not None)
        row.addWidget(self.refresh_button)
        layout.addLayout(row)
        headers = [self.tr("Agent"), self.tr("Computer"), self.tr("App version"), self.tr("Pack"),
                   self.tr("Pack version"), self.tr("Matches the loaded pack"),
                   self.tr("Last seen")]  # fmt: skip
        self.table = read_only_table(headers, self.tr("Workstations and their pack versions"))
        for column, width in enumerate(_COLUMN_WIDTHS_PX):
            self.table.setColumnWidth(column, width)
        layout.addWidget(self.table, 1)
        self.refresh_button.clicked.connect(self.refresh_requested)

    def _folder_text(self, status_dir: Path | None) -> str:
        if status_dir is None:
            return self.tr(
                "No team folder is set, so workstations cannot report their pack version. "
                "Choose a shared folder every workstation can write, and set it on each one: "
                'status_dir = "<folder>" under [team] in settings.toml, or the environment '
                "variable AGENT_ASSIST_TEAM__STATUS_DIR."
            )
        return self.tr("Workstations report to {folder}").format(folder=status_dir)

    def show_statuses(self, statuses: Sequence[WorkstationStatus]) -> None:
        self._statuses = list(statuses)
        self._render()

    def set_loaded_pack(self, pack: ScriptPack | None, pack_sha: str) -> None:
        self._pack, self._pack_sha = pack, pack_sha
        self._render()

    def rows(self) -> list[list[str]]:
        return row_texts(self.table)

    def _render(self, now: dt.datetime | None = None) -> None:
        now = now or dt.datetime.now(dt.UTC)
        rows, tints = [], []
        for status in self._statuses:
            verdict, tint = self._verdict(status)
            rows.append(
                [cell(status.agent_id), cell(status.host), cell(status.app_version),
                 cell(status.pack_id), cell(status.pack_version, status.pack_sha),
                 cell(verdict), cell(self._seen_text(status.updated_at, now))]
            )  # fmt: skip
            tints.append(tint)
        fill_rows(self.table, rows)
        for row, tint in enumerate(tints):
            if tint:
                tint_row(self.table, row, tint)

    def _verdict(self, status: WorkstationStatus) -> tuple[str, str]:
        """What the team lead must know about this workstation's pack, and its row colour."""
        pack = self._pack
        if pack is None:
            return "—", ""
        if status.pack_id != pack.manifest.id:
            return self.tr("Another pack"), DIFFERENT_TINT
        loaded = pack.manifest.version
        if status.pack_version == loaded:
            if status.pack_sha == self._pack_sha:
                return self.tr("✓ Same version"), CURRENT_TINT
            return self.tr("⚠ Same version number, different files"), DIFFERENT_TINT
        theirs, ours = _version_key(status.pack_version), _version_key(loaded)
        if theirs is not None and ours is not None and theirs > ours:
            return self.tr("Newer than the loaded pack ({version})").format(
                version=loaded
            ), DIFFERENT_TINT
        return self.tr("⚠ Outdated: loaded pack is {version}").format(version=loaded), OUTDATED_TINT

    def _seen_text(self, when: dt.datetime, now: dt.datetime) -> str:
        local = when.astimezone().strftime("%Y-%m-%d %H:%M")
        minutes = max(0, int((now - when).total_seconds() // 60))
        if minutes < 1:
            ago = self.tr("just now")
        elif minutes < 60:
            ago = self.tr("{minutes} min ago").format(minutes=minutes)
        elif minutes < 48 * 60:
            ago = self.tr("{hours} h ago").format(hours=minutes // 60)
        else:
            ago = self.tr("{days} days ago").format(days=minutes // (24 * 60))
        return f"{local}  ({ago})"
