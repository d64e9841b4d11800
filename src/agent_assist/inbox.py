"""Thread-safe mailboxes between the stages."""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

T = TypeVar("T")


class MailboxClosed(Exception):  # noqa: N818 - an end-of-stream signal, not a fault
    """Raised by ``get`` once the mailbox is closed and empty."""


class LatestOnly(Generic[T]):
    """Single-slot mailbox: ``put`` replaces what is pending; a slow consumer skips stale work."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._item: T | None = None
        self._closed = False
        self.replaced = 0  # how many pending items were overwritten before being taken

    def put(self, item: T) -> None:
        with self._cond:
            if self._item is not None:
                self.replaced += 1
            self._item = item
            self._cond.notify()

    def get(self) -> T:
        """Block until an item arrives; raise ``MailboxClosed`` once closed."""
        with self._cond:
            while self._item is None and not self._closed:
                self._cond.wait()
            if self._closed:
                raise MailboxClosed
            item, self._item = self._item, None
            return item

    def close(self) -> None:
        """Wake the consumer and make every later ``get`` raise ``MailboxClosed``."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
