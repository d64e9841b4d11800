"""Qt test helpers: the zh_CN interface; fail a test that leaves a QThread running; collect
a test's Qt garbage on the GUI thread."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from agent_assist.ui.i18n import install_translation


@pytest.fixture(scope="session", autouse=True)
def chinese_interface(qapp: QApplication) -> None:
    """The panel is built Chinese-first: tests see the zh_CN interface unless they switch."""
    install_translation(qapp, "zh_CN")


@pytest.fixture(autouse=True)
def no_dangling_qthreads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[QThread]]:
    started: list[QThread] = []
    original = QThread.start

    def tracking_start(self: QThread, *args: object) -> None:
        started.append(self)
        original(self, *args)

    monkeypatch.setattr(QThread, "start", tracking_start)
    yield started
    for thread in started:
        assert thread.wait(3000), f"thread {thread.objectName()} still running after the test"
    # A test's controller and window can sit in reference cycles (signal lambdas). Left to the
    # cyclic collector, they may be destroyed in whatever thread next allocates — a worker of
    # the next test — and a QObject destroyed off its thread crashes. Collect them here.
    gc.collect()
