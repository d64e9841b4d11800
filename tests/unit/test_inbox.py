import threading

import pytest

from agent_assist.inbox import LatestOnly, MailboxClosed


def test_latest_only_keeps_newest_and_counts_replaced() -> None:
    box: LatestOnly[int] = LatestOnly()
    box.put(1)
    box.put(2)
    assert box.get() == 2
    assert box.replaced == 1


def test_get_blocks_until_put_from_another_thread() -> None:
    box: LatestOnly[str] = LatestOnly()
    threading.Timer(0.05, box.put, args=("x",)).start()
    assert box.get() == "x"


def test_close_wakes_a_blocked_consumer() -> None:
    box: LatestOnly[int] = LatestOnly()
    threading.Timer(0.05, box.close).start()
    with pytest.raises(MailboxClosed):
        box.get()
