"""Turn a call's customer transcripts into numbered queries, with follow-up context."""

from __future__ import annotations

import time

from agent_assist.domain import Query, Transcript

# Queries the agent typed in the search box, not heard on the call.
TYPED_PREFIX = "typed-"


def is_typed(query: Query) -> bool:
    return query.utterance_id.startswith(TYPED_PREFIX)


class QueryMaker:
    """Numbers queries in order and hands each one the customer's previous sentence, which
    the retriever blends into short follow-ups ("那利息呢"). One per consumer of a call."""

    def __init__(self) -> None:
        self.last_seq = 0
        self._previous_final = ""

    def query_for(self, transcript: Transcript) -> Query:
        self.last_seq += 1
        previous = self._previous_final
        context = previous if previous != transcript.text else ""
        if transcript.is_final:
            self._previous_final = transcript.text
        return Query.for_transcript(self.last_seq, transcript, context)

    def typed(self, text: str) -> Query:
        """A question the agent typed: settled at once, without the call's context."""
        self.last_seq += 1
        return Query(
            self.last_seq, f"{TYPED_PREFIX}{self.last_seq}", text, True, time.monotonic_ns()
        )

    def new_call(self) -> None:
        """A new call has no previous sentence; numbering goes on, so older results stay old."""
        self._previous_final = ""
