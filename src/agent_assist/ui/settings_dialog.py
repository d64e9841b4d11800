"""The settings an agent or team lead changes, checked as typed settings and saved to the file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from pydantic import BaseModel, ValidationError
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from agent_assist.config import Settings
from agent_assist.errors import AgentAssistError
from agent_assist.health import DeviceLister, system_devices
from agent_assist.models.catalog import CATALOG, ModelKind
from agent_assist.settings_file import (
    Changes,
    bounds,
    toml_value,
    update_settings_file,
)
from agent_assist.speech.sources.capture import CaptureDevice, matching_devices
from agent_assist.ui.first_run import DIALOG_QSS
from agent_assist.ui.jobs import Job, JobThread, Progress
from agent_assist.ui.style import ANSWER_ACCENT

DEVICES_JOB = "devices"
SAVE_JOB = "save"
_MIN_WIDTH_PX = 560
_TABS_QSS = f"""
QTabWidget::pane {{ border: 1px solid #d0d7de; border-radius: 8px; background: white; }}
QTabBar::tab {{ padding: 6px 14px; color: #57606a; background: transparent; border: none;
    border-bottom: 2px solid transparent; }}
QTabBar::tab:selected {{ color: #1f2328; font-weight: 600;
    border-bottom: 2px solid {ANSWER_ACCENT}; }}
QTabBar::tab:focus {{ color: #0550ae; }}
"""


@dataclass(frozen=True)
class _Field:
    """One setting on screen; ``read`` gives the raw value, None for "not set" (default)."""

    section: str
    key: str
    widget: QWidget
    read: Callable[[], object]
    error: QLabel
    tab: int


class SettingsDialog(QDialog):
    """The settings in tabs; OK checks them as the typed settings and writes the settings file
    in the background. Nothing is written while a value is invalid.

    Signals:
        settings_saved(Settings): the file is written; the settings now in it (UI thread).
        devices_listed(list[CaptureDevice]): the device lists are filled (UI thread).
    """

    settings_saved = Signal(object)
    devices_listed = Signal(object)

    def __init__(
        self,
        settings: Settings,
        settings_file: Path,
        parent: QWidget | None = None,
        *,
        list_devices: DeviceLister | None = None,
        locked: frozenset[str] = frozenset(),
    ) -> None:
        """``locked`` settings ("section.key") are shown but cannot be changed: IT set them
        in the machine-wide file."""
        super().__init__(parent)
        self._settings = settings
        self._locked = locked
        self._file = settings_file
        self._saved: Settings | None = None
        self._pending: Settings | None = None
        self._fields: dict[tuple[str, str], _Field] = {}
        self._devices_known = False
        self._jobs: JobThread | None = None
        self._jobs_running = 0
        self._build_ui()
        self._connect_signals()
        self._restore_state(list_devices)

    def new_settings(self) -> Settings | None:
        """The settings saved by OK; None until then (or after Cancel)."""
        return self._saved

    def field(self, section: str, key: str) -> QWidget:
        return self._fields[section, key].widget

    def field_error(self, section: str, key: str) -> str:
        error = self._fields[section, key].error
        return error.text() if not error.isHidden() else ""

    # -- building ------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.setWindowTitle(self.tr("Agent Assist settings"))
        self.setStyleSheet(DIALOG_QSS + _TABS_QSS)
        self.setMinimumWidth(_MIN_WIDTH_PX)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.tabBar().setAccessibleName(self.tr("Settings sections"))
        self.tabs.setAccessibleName(self.tr("Settings groups"))
        for build, title in (
            (self._build_audio_tab, self.tr("Audio")),
            (self._build_knowledge_tab, self.tr("Models and knowledge")),
            (self._build_privacy_tab, self.tr("Privacy and record")),
            (self._build_interface_tab, self.tr("Interface and team")),
        ):
            page = QWidget()
            self._form = QFormLayout(page)
            build()
            self.tabs.addTab(page, title)
        layout.addWidget(self.tabs, 1)
        note = self.tr(
            "Audio and speech model changes apply from the next call. Everything else takes "
            "effect when Agent Assist is restarted."
        )
        layout.addWidget(QLabel(note, objectName="note", wordWrap=True))
        self.form_error = QLabel(objectName="formError", wordWrap=True, visible=False)
        layout.addWidget(self.form_error)
        layout.addWidget(self._build_buttons())

    def _build_buttons(self) -> QDialogButtonBox:
        ok, cancel = QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Cancel
        self.buttons = QDialogButtonBox(ok | cancel)
        self.ok_button = self.buttons.button(ok)
        self.ok_button.setDefault(True)
        self.ok_button.setAccessibleName(self.tr("Save the settings"))
        self.buttons.button(cancel).setAccessibleName(self.tr("Close without saving"))
        return self.buttons

    def _build_audio_tab(self) -> None:
        sources = [
            ("capture", self.tr("Headset and softphone on this computer")),
            ("network", self.tr("Stream from the telephony platform")),
        ]
        self.source_combo = self._add_choice("audio.source", self.tr("Call audio"), sources)
        mic, loopback = self.tr("Microphone (agent)"), self.tr("Loopback (customer)")
        self.microphone_combo = self._add_device("audio.microphone", mic)
        self.loopback_combo = self._add_device("audio.loopback", loopback)
        looking = self.tr("Looking for audio devices…")
        self.devices_note = QLabel(looking, objectName="note", wordWrap=True)
        self._form.addRow("", self.devices_note)
        self._add_check("audio.swap_channels", self.tr("Swap agent and customer sides"))

    def _build_knowledge_tab(self) -> None:
        self._add_model("asr.model", self.tr("Speech model"), "asr")
        self._add_model("retrieval.embedder", self.tr("Embedding model"), "embedding")
        self._add_line("retrieval.pack", self.tr("Script pack"), self.tr("Folder…"))
        self._add_team_packs()
        self._add_spin("retrieval.top_k", self.tr("Cards shown"))
        min_score = self._add_line("retrieval.min_score", self.tr("Lowest match score (0–1)"))
        min_score.setPlaceholderText(self.tr("Calibrated for the embedding model"))

    def _build_privacy_tab(self) -> None:
        mask = self.tr("Mask ID, card and phone numbers in the live transcript")
        self._add_check("privacy.mask_live_transcript", mask)
        self._add_spin("privacy.keep_last_digits", self.tr("Last digits left visible"))
        self._add_check("record.enabled", self.tr("Keep a record of every call"))
        self._add_line("record.database", self.tr("Call record file"), self.tr("Choose…"))

    def _build_interface_tab(self) -> None:
        languages = [
            ("auto", self.tr("Follow the system")),
            ("zh_CN", "中文（简体）"),
            ("en", "English"),
        ]
        self._add_choice("ui.language", self.tr("Language"), languages)
        self._add_check("ui.always_on_top", self.tr("Keep the panel above other windows"))
        status_dir = self._add_line(
            "team.status_dir", self.tr("Team status folder"), self.tr("Folder…")
        )
        status_dir.setPlaceholderText(self.tr("Not shared"))
        agent_id = self._add_line("team.agent_id", self.tr("Workstation name"))
        agent_id.setPlaceholderText(self.tr("This computer's name"))

    # -- fields --------------------------------------------------------------------------
    def _add(
        self,
        where: str,
        label: str,
        widget: QWidget,
        read: Callable[[], object],
        shown: QWidget | None = None,
    ) -> None:
        """A row of the current tab (``shown``, else ``widget``) with an error line under it;
        ``read`` gives the value, None for "not set" (the default applies)."""
        section, key = where.split(".")
        error = QLabel(objectName="fieldError", wordWrap=True, visible=False)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(shown or widget)
        column.addWidget(error)
        caption = QLabel(label)
        caption.setBuddy(widget)
        self._form.addRow(caption, box)
        widget.setAccessibleName(label or widget.accessibleName())
        tab = self.tabs.count()
        self._fields[section, key] = _Field(section, key, widget, read, error, tab)
        if where in self._locked:
            self._show_locked(shown or widget, caption if label else None)

    def _show_locked(self, widget: QWidget, caption: QLabel | None) -> None:
        """Greyed out, and said in words: a greyed field alone looks broken."""
        widget.setEnabled(False)
        note = self.tr("Locked by IT in the machine-wide settings")
        widget.setToolTip(note)
        widget.setAccessibleDescription(note)
        marker = self.tr("(locked by IT)")
        if caption is not None:
            caption.setText(f"{caption.text()} {marker}")
        elif isinstance(widget, QCheckBox):
            widget.setText(f"{widget.text()} {marker}")

    def _value(self, where: str) -> object:
        section, key = where.split(".")
        return getattr(getattr(self._settings, section), key)

    def _add_choice(self, where: str, label: str, items: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox()
        for value, text in items:
            combo.addItem(text, value)
        combo.setCurrentIndex(max(0, combo.findData(self._value(where))))
        self._add(where, label, combo, combo.currentData)
        return combo

    def _add_device(self, where: str, label: str) -> QComboBox:
        """Filled once the devices are listed; until then the configured one."""
        combo = QComboBox(enabled=False)
        combo.addItem(self.tr("System default"), None)
        if configured := self._value(where):
            combo.addItem(str(configured), configured)
            combo.setCurrentIndex(1)
        self._add(where, label, combo, combo.currentData)
        return combo

    def _add_model(self, where: str, label: str, kind: ModelKind) -> None:
        combo = QComboBox(editable=True, insertPolicy=QComboBox.InsertPolicy.NoInsert)
        combo.addItems([name for name, entry in CATALOG.items() if entry.kind == kind])
        combo.setCurrentText(str(self._value(where)))
        combo.setToolTip(self.tr("A model name, or the folder of a model"))
        self._add(where, label, combo, lambda: combo.currentText().strip() or None)

    def _add_check(self, where: str, text: str) -> None:
        box = QCheckBox(text, checked=bool(self._value(where)))
        box.setAccessibleName(text)
        self._add(where, "", box, box.isChecked)

    def _add_spin(self, where: str, label: str) -> None:
        section, key = where.split(".")
        spin = QSpinBox()
        spin.setRange(*bounds(type(getattr(self._settings, section)), key))
        spin.setValue(int(self._value(where)))  # type: ignore[call-overload]
        self._add(where, label, spin, spin.value)

    def _add_line(self, where: str, label: str, browse: str = "") -> QLineEdit:
        """A text field (blank: the default), with a ``browse`` button to choose a path."""
        value = self._value(where)
        edit = QLineEdit("" if value is None else f"{value}")
        shown = None
        if browse:
            choose = partial(self._choose_path, edit, label, where == "record.database")
            shown = _row(edit, self._button(browse, choose, label))
        self._add(where, label, edit, lambda: edit.text().strip() or None, shown)
        return edit

    def _add_team_packs(self) -> None:
        packs = self._settings.retrieval.team_packs
        edit = self.team_packs_edit = QPlainTextEdit("\n".join(str(p) for p in packs))
        edit.setTabChangesFocus(True)
        edit.setPlaceholderText(self.tr("One folder or zip file per line"))
        edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4)
        label = self.tr("Team packs")
        add = self._button(self.tr("Add…"), self._on_team_pack_add_clicked, label)
        self._add("retrieval.team_packs", label, edit, partial(_lines_of, edit), _row(edit, add))

    def _button(self, text: str, slot: Callable[[], None], field: str) -> QPushButton:
        # Not auto-default: Enter in any field means OK, not "Browse".
        button = QPushButton(text, autoDefault=False)
        button.setAccessibleName(self.tr("Choose: {field}").format(field=field))
        button.clicked.connect(slot)
        return button

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.source_combo.currentIndexChanged.connect(self._on_source_changed)

    def _restore_state(self, list_devices: DeviceLister | None) -> None:
        self._submit(DEVICES_JOB, partial(_devices, list_devices or system_devices))

    def _submit(self, kind: str, job: Job) -> None:
        if self._jobs is None:
            self._jobs = JobThread("settings", self)
            self._jobs.worker.done.connect(self._on_jobs_done)
            self._jobs.worker.failed.connect(self._on_jobs_failed)
        self._jobs_running += 1
        self._jobs.worker.submit(kind, job)

    def _job_ended(self) -> None:
        """As in FirstRunDialog: the worker thread lives only while a job runs."""
        self._jobs_running -= 1
        if self._jobs_running == 0 and self._jobs is not None:
            self._jobs.stop()
            self._jobs.deleteLater()
            self._jobs = None

    # -- OK ------------------------------------------------------------------------------
    @Slot()
    def _on_buttons_accepted(self) -> None:
        new = self._validated()
        if new is None:
            self._show_form_error(self.tr("Correct the values marked in red: nothing was saved."))
            return
        changes = self._changes(new)
        if not changes:
            self._saved = new
            self.accept()
            return
        self._pending = new
        self.ok_button.setEnabled(False)
        self._submit(SAVE_JOB, partial(_save, self._file, changes))

    def _validated(self) -> Settings | None:
        """Each shown section rebuilt from the fields; None if any value is refused."""
        for field in self._fields.values():
            field.error.hide()
        sections: dict[str, BaseModel] = {}
        invalid: list[_Field] = []
        for section in dict.fromkeys(f.section for f in self._fields.values()):
            fields = [f for f in self._fields.values() if f.section == section]
            try:
                sections[section] = self._section(section, fields)
            except ValidationError as exc:
                invalid += self._show_errors(section, exc)
        if invalid:
            self.tabs.setCurrentIndex(invalid[0].tab)
            invalid[0].widget.setFocus()
            return None
        return self._settings.model_copy(update=sections)

    def _section(self, section: str, fields: list[_Field]) -> BaseModel:
        current: BaseModel = getattr(self._settings, section)
        values = {f.key: f.read() for f in fields}
        unset = {key for key, value in values.items() if value is None}
        data = current.model_dump(exclude=unset)
        data.update({key: value for key, value in values.items() if value is not None})
        return type(current).model_validate(data)

    def _show_errors(self, section: str, exc: ValidationError) -> list[_Field]:
        shown = []
        for error in exc.errors():
            field = self._fields.get((section, str(error["loc"][0])))
            if field is not None:
                field.error.setText(error["msg"])
                field.error.show()
                shown.append(field)
        return shown

    def _changes(self, new: Settings) -> dict[str, dict[str, object | None]]:
        changes: dict[str, dict[str, object | None]] = {}
        for field in self._fields.values():
            old_value = getattr(getattr(self._settings, field.section), field.key)
            new_value = getattr(getattr(new, field.section), field.key)
            if new_value != old_value:
                value = None if field.read() is None else toml_value(new_value)
                changes.setdefault(field.section, {})[field.key] = value
        return changes

    def _show_form_error(self, message: str) -> None:
        self.form_error.setText(message)
        self.form_error.show()

    # -- background results --------------------------------------------------------------
    @Slot(int, str, object)
    def _on_jobs_done(self, _ticket: int, kind: str, result: object) -> None:
        self._job_ended()
        if kind == DEVICES_JOB:
            self._fill_devices(result)  # type: ignore[arg-type]
            return
        self._saved = self._pending
        self.settings_saved.emit(self._saved)
        self.accept()

    @Slot(int, str, object)
    def _on_jobs_failed(self, _ticket: int, kind: str, error: AgentAssistError) -> None:
        self._job_ended()
        if kind == DEVICES_JOB:
            message = self.tr("No audio devices could be listed: {error}").format(error=error)
            self.devices_note.setText(message)
            self._devices_known = True  # the lists keep the system default and the setting
            self._on_source_changed()
            self.devices_listed.emit([])
            return
        self.ok_button.setEnabled(True)
        self._show_form_error(self.tr("The settings were not saved: {error}").format(error=error))

    def _fill_devices(self, devices: list[CaptureDevice]) -> None:
        self._devices_known = True
        audio = self._settings.audio
        for combo, configured, loopback in (
            (self.microphone_combo, audio.microphone, False),
            (self.loopback_combo, audio.loopback, True),
        ):
            self._fill_device_combo(
                combo, configured, [d for d in devices if d.loopback == loopback]
            )
        if devices:
            count = self.tr("{count} audio device(s) found.").format(count=len(devices))
            self.devices_note.setText(count)
        self._on_source_changed()
        self.devices_listed.emit(devices)

    def _fill_device_combo(
        self, combo: QComboBox, configured: str | None, devices: list[CaptureDevice]
    ) -> None:
        combo.clear()
        combo.addItem(self.tr("System default"), None)
        if configured and configured not in {d.id for d in devices}:
            found = matching_devices(configured, devices)
            note = (
                self.tr("{value} (matches {device})").format(value=configured, device=found[0].name)
                if len(found) == 1
                else self.tr("{value} (not found)").format(value=configured)
            )
            combo.addItem(note, configured)
        for device in devices:
            combo.addItem(device.name, device.id)
            combo.setItemData(combo.count() - 1, device.id, Qt.ItemDataRole.ToolTipRole)
        combo.setCurrentIndex(max(0, combo.findData(configured)))

    @Slot()
    def _on_source_changed(self) -> None:
        capture = self.source_combo.currentData() == "capture"
        for where, combo in (
            ("audio.microphone", self.microphone_combo),
            ("audio.loopback", self.loopback_combo),
        ):
            combo.setEnabled(capture and self._devices_known and where not in self._locked)

    def done(self, result: int) -> None:
        if self._jobs is not None:
            self._jobs.stop()
        super().done(result)

    # -- browsing ------------------------------------------------------------------------
    def _choose_path(self, edit: QLineEdit, title: str, file: bool) -> None:
        if file:
            chosen = QFileDialog.getSaveFileName(self, title, edit.text())[0]
        else:
            chosen = QFileDialog.getExistingDirectory(self, title, edit.text())
        if chosen:
            edit.setText(chosen)

    @Slot()
    def _on_team_pack_add_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Team packs"))
        if folder:
            self.team_packs_edit.appendPlainText(folder)


def _row(*widgets: QWidget) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for index, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if index == 0 else 0)
    return row


def _lines_of(edit: QPlainTextEdit) -> tuple[str, ...] | None:
    lines = tuple(line.strip() for line in edit.toPlainText().splitlines() if line.strip())
    return lines or None


def _devices(list_devices: DeviceLister, _report: Progress) -> list[CaptureDevice]:
    return list_devices()


def _save(file: Path, changes: Changes, _report: Progress) -> None:
    update_settings_file(file, changes)
