"""A full disk, as SQLite sees it: ``max_page_count`` makes it answer SQLITE_FULL for real."""

from __future__ import annotations

from agent_assist.errors import AgentAssistError
from agent_assist.guidance.call_meta import CallMetadata
from agent_assist.record.store import CallStore

NO_PAGE_LIMIT = 1_073_741_823


def fill_disk(store: CallStore) -> None:
    """From now on the file cannot grow (pages already free inside it still take rows)."""
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count={pages}")


def fill_disk_completely(store: CallStore) -> None:
    """Nothing more fits: earlier calls fill the file's free pages, then it may not grow.
    Twenty failures in a row: one can be an index page that is full while others have room."""
    fill_disk(store)
    failures_in_a_row = 0
    for _ in range(2000):
        try:
            store.start_call(CallMetadata())
            failures_in_a_row = 0
        except AgentAssistError:
            failures_in_a_row += 1
            if failures_in_a_row == 20:
                return
    raise AssertionError("the disk never filled up")


def free_disk(store: CallStore) -> None:
    store._db.execute(f"PRAGMA max_page_count={NO_PAGE_LIMIT}")
