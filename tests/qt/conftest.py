"""Qt test helpers: fail a test that leaves a QThread running."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QThread


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
