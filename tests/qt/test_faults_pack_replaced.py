"""Fault: the pack's files are replaced on disk during a call (a team lead publishing, a share
syncing). Real embedder, real pack files, the real reload path of the panel."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from agent_assist.app import reload_when_changed
from agent_assist.config import RetrievalSettings, Settings
from agent_assist.domain import Transcript
from agent_assist.pipeline.controller import AssistController, CallState
from agent_assist.retrieval.pack_feed import PublishedPacks
from agent_assist.services import load_services
from tests.conftest import SAMPLE_PACK
from tests.qt.test_controller import ListSource

pytestmark = pytest.mark.slow
QUESTION = "我想提前还款，在哪里操作"
OLD_TITLE = "提前还款怎么操作"
NEW_TITLE = "提前还款的操作步骤（新版）"


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SAMPLE_PACK, tmp_path / "pack"))


@pytest.fixture
def controller(
    qtbot: QtBot, pack: Path, tmp_path: Path, use_model_dir: Path
) -> Iterator[AssistController]:
    retrieval = RetrievalSettings(
        embedder=str(use_model_dir), pack=pack, index_root=tmp_path / "index", debounce_ms=20
    )
    settings = Settings(retrieval=retrieval)
    controller = AssistController(retrieval)
    with qtbot.waitSignal(controller.state_changed, timeout=120_000):
        controller.load(lambda progress: load_services(retrieval, tmp_path / "models", progress))
    published = PublishedPacks(settings, tmp_path / "published")
    controller.watch_packs(0.1, reload_when_changed(settings, published))
    yield controller
    controller.shutdown()


def _edit(pack: Path, file: str, old: str, new: str) -> None:
    path = pack / file
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


class AskingUntil(ListSource):
    """Asks the question every 0.1 s until ``done()`` (at most a minute): a call that lasts
    until the new pack version is loaded."""

    def __init__(self, done: Callable[[], bool]) -> None:
        super().__init__([(QUESTION, True)] * 600, gap_s=0.1)
        self._done = done

    def events(self, stop: threading.Event) -> Iterator[Transcript]:
        for transcript in super().events(stop):
            yield transcript
            if self._done():
                return


def _call(qtbot: QtBot, controller: AssistController, source: ListSource) -> list[str]:
    titles: list[str] = []

    def shown(result: object) -> None:
        titles.extend(s.title for s in result.suggestions)  # type: ignore[attr-defined]

    controller.suggestions_updated.connect(shown)
    controller.start_call(lambda: source)
    qtbot.waitUntil(lambda: controller.state is CallState.READY, timeout=60_000)
    qtbot.waitUntil(lambda: bool(titles), timeout=10_000)  # the last final's cards
    controller.suggestions_updated.disconnect(shown)
    return titles


def test_a_pack_replaced_mid_call_applies_from_the_next_call(
    qtbot: QtBot, controller: AssistController, pack: Path
) -> None:
    reloaded: list[object] = []
    controller.services_loaded.connect(reloaded.append)

    def replace_when_the_call_shows_cards(result: object) -> None:
        controller.suggestions_updated.disconnect(replace_when_the_call_shows_cards)
        _edit(pack, "knowledge.yaml", f"title: {OLD_TITLE}", f"title: {NEW_TITLE}")
        _edit(pack, "manifest.yaml", "version: 1.0.0", "version: 1.1.0")

    controller.suggestions_updated.connect(replace_when_the_call_shows_cards)
    # The call goes on until the new version is loaded (off the UI thread), and a bit more.
    waiting = AskingUntil(lambda: controller._services_after_call is not None)
    during = _call(qtbot, controller, waiting)
    assert controller._services_after_call is not None, "the call ended before the reload"
    assert OLD_TITLE in during and NEW_TITLE not in during
    assert controller.services.pack.manifest.version == "1.0.0"  # type: ignore[union-attr]
    after = _call(qtbot, controller, ListSource([(QUESTION, True)]))
    assert NEW_TITLE in after and OLD_TITLE not in after
    assert controller.services.pack.manifest.version == "1.1.0"  # type: ignore[union-attr]
    assert len(reloaded) == 1


def test_a_broken_replacement_is_reported_and_the_previous_pack_serves(
    qtbot: QtBot, controller: AssistController, pack: Path
) -> None:
    with qtbot.waitSignal(controller.error_raised, timeout=60_000) as raised:
        (pack / "knowledge.yaml").write_text("entries:\n  - id: 1\n", encoding="utf-8")
    message = str(raised.args[0])
    assert "previous version stays" in message and "knowledge.yaml" in message
    assert OLD_TITLE in _call(qtbot, controller, ListSource([(QUESTION, True)]))
