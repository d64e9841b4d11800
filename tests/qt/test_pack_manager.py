"""The team lead's pack manager over the real sample pack, embedder, index and guidance."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QPushButton, QTabBar
from pytestqt.qtbot import QtBot

from agent_assist.config import RetrievalSettings, Settings, TeamSettings
from agent_assist.retrieval.pack import load_pack
from agent_assist.retrieval.retriever import METHODS
from agent_assist.team_status import pack_digest, status_for, write_status
from agent_assist.ui.i18n import install_translation
from agent_assist.ui.jobs import JobThread
from agent_assist.ui.pack_manager import PackManagerWindow
from agent_assist.ui.pack_manager.window import CONTENTS_TAB, PHRASE_TAB, PROBLEMS_TAB
from tests.conftest import SAMPLE_PACK

pytestmark = pytest.mark.slow

LOAD_TIMEOUT_MS = 60_000
BROKEN_TOPIC = "repayment_erly"


@pytest.fixture(autouse=True)
def english_interface(qapp: QApplication) -> Iterator[None]:
    """These tests read the English source strings; test_i18n checks the zh_CN catalog."""
    install_translation(qapp, "en")
    yield
    install_translation(qapp, "zh_CN")


@pytest.fixture(scope="module")
def index_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One index for the module: the first test builds it, the others load it."""
    return tmp_path_factory.mktemp("index")


@pytest.fixture
def settings(tmp_path: Path, use_model_dir: Path, index_root: Path) -> Settings:
    retrieval = RetrievalSettings(
        embedder=str(use_model_dir), pack=SAMPLE_PACK, index_root=index_root
    )
    return Settings(retrieval=retrieval, team=TeamSettings(status_dir=tmp_path / "team"))


@pytest.fixture
def open_window(qtbot: QtBot, tmp_path: Path) -> Iterator:
    """Opens pack manager windows and closes them (and their threads) after the test."""
    windows: list[PackManagerWindow] = []

    def opener(settings: Settings, pack: Path | None = None) -> PackManagerWindow:
        window = PackManagerWindow(settings, tmp_path / "models", pack)
        qtbot.addWidget(window)
        windows.append(window)
        return window

    yield opener
    for window in windows:
        window.close()
        window.shutdown()


def _ready(qtbot: QtBot, window: PackManagerWindow) -> None:
    qtbot.waitUntil(lambda: window.services is not None, timeout=LOAD_TIMEOUT_MS)


def _broken_copy(tmp_path: Path) -> tuple[Path, int]:
    """The sample pack with an unknown topic, and the line it is on."""
    pack = Path(shutil.copytree(SAMPLE_PACK, tmp_path / "broken"))
    knowledge = pack / "knowledge.yaml"
    text = knowledge.read_text(encoding="utf-8")
    text = text.replace("topic: repayment_early", f"topic: {BROKEN_TOPIC}", 1)
    knowledge.write_text(text, encoding="utf-8")
    lines = knowledge.read_text(encoding="utf-8").splitlines()
    return pack, next(i for i, line in enumerate(lines, 1) if BROKEN_TOPIC in line)


def _zipped(folder: Path) -> Path:
    archive = folder.with_suffix(".zip")
    with zipfile.ZipFile(archive, "w") as out:
        for file in sorted(folder.iterdir()):
            out.write(file, f"{folder.name}/{file.name}")
    return archive


def _try(qtbot: QtBot, window: PackManagerWindow, phrase: str) -> None:
    window.phrase.phrase.setText(phrase)  # keyClicks cannot type CJK
    with qtbot.waitSignal(window.phrase_explained, timeout=10_000):
        qtbot.keyClick(window.phrase.phrase, Qt.Key.Key_Return)


def test_a_valid_pack_shows_its_manifest_and_every_entry(
    qtbot: QtBot, settings: Settings, open_window
) -> None:
    pack = load_pack(SAMPLE_PACK)
    window = open_window(settings, SAMPLE_PACK)
    qtbot.waitUntil(lambda: window.pack is not None, timeout=10_000)
    assert window.contents.visible_ids() == [e.id for e in pack.entries + pack.scripts]
    assert "sample-consumer-finance" in window.manifest.text()
    assert "1.0.0" in window.manifest.text() and pack_digest(pack) in window.manifest.text()
    assert window.tabs.currentIndex() == CONTENTS_TAB
    _ready(qtbot, window)


def test_the_filter_matches_customer_phrasings_too(
    qtbot: QtBot, settings: Settings, open_window
) -> None:
    window = open_window(settings, SAMPLE_PACK)
    qtbot.waitUntil(lambda: window.pack is not None, timeout=10_000)
    window.contents.filter.setText("没到还款日能先还吗")  # a question, not a title
    assert window.contents.visible_ids() == ["kb-repayment-early-01"]
    window.contents.filter.setText("")
    assert len(window.contents.visible_ids()) == 101
    _ready(qtbot, window)


@pytest.mark.parametrize("as_zip", [False, True], ids=["folder", "zip"])
def test_a_broken_pack_lists_the_problem_with_file_and_line(
    qtbot: QtBot, settings: Settings, open_window, tmp_path: Path, as_zip: bool
) -> None:
    folder, line = _broken_copy(tmp_path)
    window = open_window(settings)
    with qtbot.waitSignal(window.pack_rejected, timeout=10_000) as rejected:
        window.load_pack(_zipped(folder) if as_zip else folder)
    assert len(rejected.args[0]) == 1
    severity, file, at, field, message = window.problems.rows()[0]
    assert (severity, file, at, field) == ("Error", "knowledge.yaml", str(line), "entries.0.topic")
    assert BROKEN_TOPIC in message
    assert window.tabs.currentIndex() == PROBLEMS_TAB
    assert window.tabs.tabText(PROBLEMS_TAB) == "Problems (1)"
    assert window.contents.visible_ids() == []
    assert not window.phrase.try_button.isEnabled()


def test_fixing_the_pack_and_reloading_loads_it(
    qtbot: QtBot, settings: Settings, open_window, tmp_path: Path
) -> None:
    folder, _line = _broken_copy(tmp_path)
    window = open_window(settings, folder)
    qtbot.waitUntil(lambda: window.problems.count == 1, timeout=10_000)
    knowledge = folder / "knowledge.yaml"
    text = knowledge.read_text(encoding="utf-8")
    knowledge.write_text(text.replace(BROKEN_TOPIC, "repayment_early"), encoding="utf-8")
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    with qtbot.waitSignal(window.pack_checked, timeout=10_000):
        qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert window.problems.rows() == []
    _ready(qtbot, window)


def test_a_phrase_lists_the_expected_entry_first_under_every_method(
    qtbot: QtBot, settings: Settings, open_window
) -> None:
    window = open_window(settings, SAMPLE_PACK)
    _ready(qtbot, window)
    _try(qtbot, window, "我想提前还款")
    card, entry_id, kind, _title, dense, lexical, fused, cosine, matched = (
        window.phrase.entry_rows()[0]
    )
    assert (card, entry_id, kind) == ("✓ Shown", "kb-repayment-early-01", "Answer")
    for score in (dense, lexical, fused):
        assert score.startswith("#1 · ")
    assert float(cosine) >= 0.5
    entry = load_pack(SAMPLE_PACK).entries[0]
    assert matched in (entry.title, *entry.questions)
    assert window.phrase.alert_rows() == []


def test_every_method_scores_every_listed_entry_or_says_not_found(
    qtbot: QtBot, settings: Settings, open_window
) -> None:
    window = open_window(settings, SAMPLE_PACK)
    _ready(qtbot, window)
    with qtbot.waitSignal(window.phrase_explained, timeout=10_000) as explained:
        window.try_phrase("我想提前还款")
    found = explained.args[0]
    assert set(found.entries[0].by_method) == set(METHODS)
    shown = [e for e in found.entries if e.shown]
    assert len(shown) == found.top_k
    assert all(e.cosine >= found.min_score for e in shown)


def test_an_unanswerable_phrase_would_show_no_card(
    qtbot: QtBot, settings: Settings, open_window
) -> None:
    window = open_window(settings, SAMPLE_PACK)
    _ready(qtbot, window)
    _try(qtbot, window, "明天会不会下雨 我要不要带伞")
    rows = window.phrase.entry_rows()
    assert rows and all(row[0] == "Below threshold" for row in rows)


def test_a_guarantee_by_the_agent_raises_a_compliance_alert(
    qtbot: QtBot, settings: Settings, open_window
) -> None:
    window = open_window(settings, SAMPLE_PACK)
    _ready(qtbot, window)
    _try(qtbot, window, "您放心 这笔我跟您保证能批 下周一准能放款")
    side, detector, rule, severity, why = window.phrase.alert_rows()[0]
    assert (side, detector, severity) == ("Agent", "Compliance", "High")
    assert "guarantee-outcome" in rule and why


def test_workstations_show_who_runs_an_outdated_pack_and_skip_garbage(
    qtbot: QtBot, settings: Settings, open_window
) -> None:
    team = settings.team.status_dir
    assert team is not None
    current = status_for(settings, load_pack(SAMPLE_PACK))
    write_status(team, dataclasses.replace(current, agent_id="zhang.wei"))
    old = dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)
    write_status(team, dataclasses.replace(current, agent_id="li.na", pack_version="0.9.0",
                                           pack_sha="0123456789ab", updated_at=old))  # fmt: skip
    (team / "garbage.json").write_text("{half a status", encoding="utf-8")
    window = open_window(settings, SAMPLE_PACK)
    qtbot.waitUntil(lambda: len(window.workstations.rows()) == 2, timeout=10_000)
    qtbot.waitUntil(lambda: window.pack is not None, timeout=10_000)
    rows = {row[0]: row for row in window.workstations.rows()}
    assert rows["zhang.wei"][5] == "✓ Same version"
    assert rows["li.na"][4] == "0.9.0"
    assert rows["li.na"][5] == "⚠ Outdated: loaded pack is 1.0.0"
    assert "(3 h ago)" in rows["li.na"][6]
    _ready(qtbot, window)
    assert status_for(settings, window.services).pack_sha == current.pack_sha


def test_refresh_picks_up_a_workstation_that_reported_since(
    qtbot: QtBot, settings: Settings, open_window
) -> None:
    team = settings.team.status_dir
    assert team is not None
    window = open_window(settings)
    with qtbot.waitSignal(window.statuses_read, timeout=10_000):
        pass
    assert window.workstations.rows() == []
    write_status(team, dataclasses.replace(status_for(settings, load_pack(SAMPLE_PACK))))
    with qtbot.waitSignal(window.statuses_read, timeout=10_000):
        qtbot.mouseClick(window.workstations.refresh_button, Qt.MouseButton.LeftButton)
    assert len(window.workstations.rows()) == 1


def test_without_a_team_folder_it_says_how_to_set_one(open_window, settings: Settings) -> None:
    window = open_window(settings.model_copy(update={"team": TeamSettings()}))
    assert "status_dir" in window.workstations.folder.text()
    assert not window.workstations.refresh_button.isEnabled()


def test_keyboard_shortcuts_reach_the_phrase_and_the_filter(
    qtbot: QtBot, settings: Settings, open_window
) -> None:
    window = open_window(settings)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.phrase.phrase.hasFocus)
    assert window.tabs.currentIndex() == PHRASE_TAB
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.contents.filter.hasFocus)
    assert window.tabs.currentIndex() == CONTENTS_TAB


def test_every_control_has_an_accessible_name(settings: Settings, open_window) -> None:
    window = open_window(settings)
    controls = [
        w
        for kind in (QLineEdit, QPushButton, QAbstractItemView, QTabBar)
        for w in window.findChildren(kind)
        if w.focusPolicy() != Qt.FocusPolicy.NoFocus
    ]
    assert len(controls) >= 12
    assert [(type(c).__name__, c.objectName()) for c in controls if not c.accessibleName()] == []


def test_closing_while_the_index_builds_stops_the_worker_threads(
    qtbot: QtBot, settings: Settings, open_window, tmp_path: Path
) -> None:
    fresh = settings.retrieval.model_copy(update={"index_root": tmp_path / "fresh-index"})
    window = open_window(settings.model_copy(update={"retrieval": fresh}), SAMPLE_PACK)
    qtbot.waitUntil(lambda: window.status.text() == "Building the index…", timeout=LOAD_TIMEOUT_MS)
    window.close()
    threads = window.findChildren(JobThread)
    assert len(threads) == 2
    assert not any(t.is_running() for t in threads)
