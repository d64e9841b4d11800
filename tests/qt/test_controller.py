"""AssistController with fakes at our own boundaries: throttling, freshness, errors."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from pytestqt.qtbot import QtBot

from agent_assist.config import RetrievalSettings
from agent_assist.domain import (
    Query,
    RetrievalResult,
    Speaker,
    Suggestion,
    SuggestionKind,
    Transcript,
)
from agent_assist.errors import AgentAssistError
from agent_assist.pipeline.controller import AssistController, CallState


class RecordingRetriever:
    """Answers every query with one card named after the query text."""

    def __init__(self, delay_s: float = 0.0) -> None:
        self.queries: list[Query] = []
        self._delay_s = delay_s

    def search(self, query: Query) -> RetrievalResult:
        self.queries.append(query)
        time.sleep(self._delay_s)
        card = Suggestion(
            query.text, SuggestionKind.ANSWER, "bill_inquiry", query.text, "body", 0.9, query.text
        )
        return RetrievalResult(query=query, suggestions=(card,))


class ListSource:
    """Emits prepared transcripts, optionally spaced in wall time."""

    def __init__(self, texts: list[tuple[str, bool]], gap_s: float = 0.0) -> None:
        self._texts = texts
        self._gap_s = gap_s

    def events(self, stop: threading.Event) -> Iterator[Transcript]:
        for text, final in self._texts:
            if stop.wait(self._gap_s):
                return
            yield Transcript(
                "customer-0", Speaker.CUSTOMER, text, final, 0.0, 1.0, time.monotonic_ns()
            )


class FakeServices:
    def __init__(self, retriever: RecordingRetriever, version: str = "1.0.0") -> None:
        self.retriever = retriever
        self.pack = SimpleNamespace(manifest=SimpleNamespace(id="pack", version=version))


@pytest.fixture
def make_controller(qtbot: QtBot) -> Iterator[object]:
    made: list[AssistController] = []

    def make(retriever: RecordingRetriever, debounce_ms: int = 20) -> AssistController:
        controller = AssistController(RetrievalSettings(debounce_ms=debounce_ms))
        made.append(controller)
        with qtbot.waitSignal(controller.state_changed, timeout=5000):
            controller.load(lambda progress: FakeServices(retriever))  # type: ignore[arg-type,return-value]
        return controller

    yield make
    for controller in made:
        controller.shutdown()


def test_loading_then_ready(make_controller: object) -> None:
    controller = make_controller(RecordingRetriever())  # type: ignore[operator]
    assert controller.state is CallState.READY


def test_final_is_searched_and_shown(qtbot: QtBot, make_controller: object) -> None:
    retriever = RecordingRetriever()
    controller = make_controller(retriever)  # type: ignore[operator]
    with qtbot.waitSignal(controller.suggestions_updated, timeout=5000) as shown:
        controller.start_call(lambda: ListSource([("我想提前还款", True)]))
    assert shown.args[0].query.text == "我想提前还款"
    qtbot.waitUntil(lambda: controller.state is CallState.READY)


def test_partials_are_throttled_and_final_wins(qtbot: QtBot, make_controller: object) -> None:
    retriever = RecordingRetriever()
    controller = make_controller(retriever, debounce_ms=150)  # type: ignore[operator]
    partials = [(f"我想提前{'还' * i}", False) for i in range(1, 11)]
    shown: list[RetrievalResult] = []
    controller.suggestions_updated.connect(shown.append)
    controller.start_call(lambda: ListSource([*partials, ("我想提前还款", True)], gap_s=0.03))
    qtbot.waitUntil(lambda: controller.state is CallState.READY, timeout=5000)
    qtbot.waitUntil(lambda: shown and shown[-1].query.is_final, timeout=5000)
    searched_partials = [q for q in retriever.queries if not q.is_final]
    assert 1 <= len(searched_partials) < len(partials)
    assert shown[-1].query.text == "我想提前还款"


def test_stale_results_never_replace_newer_cards(qtbot: QtBot, make_controller: object) -> None:
    controller = make_controller(RecordingRetriever())  # type: ignore[operator]
    shown: list[RetrievalResult] = []
    controller.suggestions_updated.connect(shown.append)
    new = RecordingRetriever().search(Query(5, "customer-1", "new", True, 0))
    old = RecordingRetriever().search(Query(4, "customer-0", "old", True, 0))
    controller._on_retrieval_results_ready(new)
    controller._on_retrieval_results_ready(old)
    assert [r.query.text for r in shown] == ["new"]


def test_agent_speech_is_shown_but_not_searched(qtbot: QtBot, make_controller: object) -> None:
    retriever = RecordingRetriever()
    controller = make_controller(retriever)  # type: ignore[operator]
    seen: list[Transcript] = []
    controller.transcript_updated.connect(seen.append)
    agent_line = Transcript("agent-0", Speaker.AGENT, "您好", True, 0, 1, time.monotonic_ns())
    controller._on_call_transcript_ready(agent_line)
    assert seen == [agent_line]
    assert retriever.queries == []


def test_failing_source_reports_and_returns_to_ready(qtbot: QtBot, make_controller: object) -> None:
    controller = make_controller(RecordingRetriever())  # type: ignore[operator]

    def broken() -> ListSource:
        raise AgentAssistError("no such call file")

    with qtbot.waitSignal(controller.error_raised, timeout=5000) as error:
        controller.start_call(broken)
    assert "no such call file" in str(error.args[0])
    qtbot.waitUntil(lambda: controller.state is CallState.READY)


def test_failed_loading_is_reported(qtbot: QtBot) -> None:
    controller = AssistController(RetrievalSettings())

    def fail(progress: object) -> object:
        raise AgentAssistError("model missing: run agent-assist models install")

    with qtbot.waitSignal(controller.error_raised, timeout=5000) as error:
        controller.load(fail)  # type: ignore[arg-type]
    assert "models install" in str(error.args[0])
    assert controller.state is CallState.FAILED
    controller.shutdown()


def test_stop_call_ends_a_long_source_promptly(qtbot: QtBot, make_controller: object) -> None:
    controller = make_controller(RecordingRetriever())  # type: ignore[operator]
    controller.start_call(lambda: ListSource([("a", True)] * 100, gap_s=0.5))
    started = time.monotonic()
    controller.stop_call()
    qtbot.waitUntil(lambda: controller.state is CallState.READY, timeout=3000)
    assert time.monotonic() - started < 1.0


class DroppingSource:
    """Says one thing, then its device or stream breaks."""

    def __init__(self) -> None:
        self.opened = 0

    def events(self, stop: threading.Event) -> Iterator[object]:
        from agent_assist.speech.events import SourceState, SourceStatus

        self.opened += 1
        yield Transcript(
            "customer-0", Speaker.CUSTOMER, "我想还款", True, 0, 1, time.monotonic_ns()
        )
        yield SourceStatus(SourceState.FAILED, "headset unplugged", reconnectable=True)


def test_a_dropped_source_is_reported_and_reconnect_opens_it_again(
    qtbot: QtBot, make_controller: object
) -> None:
    controller = make_controller(RecordingRetriever())  # type: ignore[operator]
    source = DroppingSource()
    with qtbot.waitSignal(controller.source_failed, timeout=5000) as failed:
        controller.start_call(lambda: source)
    assert failed.args[0].message == "headset unplugged"
    qtbot.waitUntil(lambda: controller.state is CallState.READY)
    with qtbot.waitSignal(controller.source_failed, timeout=5000):
        controller.reconnect()
    assert source.opened == 2


class NamedRetriever(RecordingRetriever):
    """Answers with a card titled after which pack version it stands for."""

    def __init__(self, version: str) -> None:
        super().__init__()
        self.version = version

    def search(self, query: Query) -> RetrievalResult:
        result = super().search(query)
        card = result.suggestions[0]
        renamed = Suggestion(
            f"{self.version}-{query.seq}", card.kind, card.topic, self.version, "b", 0.9, "m"
        )
        return RetrievalResult(query=query, suggestions=(renamed,))


def test_a_pack_changed_during_a_call_applies_from_the_next_call(
    qtbot: QtBot, make_controller: object
) -> None:
    """A call's cards all come from one pack version; the new one waits for the hang-up."""
    controller = make_controller(NamedRetriever("v1"))  # type: ignore[operator]
    reloaded: list[object] = []

    def reload(progress: object) -> object:
        if reloaded:
            return None  # nothing changed since
        reloaded.append(True)
        return FakeServices(NamedRetriever("v2"), "2.0.0")

    texts = [(f"问题{i}", True) for i in range(40)]
    controller.start_call(lambda: ListSource(texts, gap_s=0.05))
    titles: list[str] = []
    controller.suggestions_updated.connect(lambda r: titles.append(r.suggestions[0].title))
    controller.watch_packs(0.2, reload)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: controller.state is CallState.READY, timeout=10_000)
    assert reloaded, "the pack was reloaded during the call"
    assert len(titles) >= 30 and set(titles) == {"v1"}, titles
    with qtbot.waitSignal(controller.suggestions_updated, timeout=5000) as shown:
        controller.start_call(lambda: ListSource([("问题", True)]))
    assert shown.args[0].suggestions[0].title == "v2"


def test_a_broken_pack_change_is_reported_and_the_previous_pack_stays(
    qtbot: QtBot, make_controller: object
) -> None:
    controller = make_controller(NamedRetriever("v1"))  # type: ignore[operator]

    def reload(progress: object) -> object:
        raise AgentAssistError("knowledge.yaml:3: topic: unknown topic")

    with qtbot.waitSignal(controller.error_raised, timeout=5000) as raised:
        controller.watch_packs(0.05, reload)  # type: ignore[arg-type]
    assert "previous version stays" in str(raised.args[0])
    assert "knowledge.yaml:3" in str(raised.args[0])
    with qtbot.waitSignal(controller.suggestions_updated, timeout=5000) as shown:
        controller.start_call(lambda: ListSource([("问题", True)]))
    assert shown.args[0].suggestions[0].title == "v1"
