"""Keep the panel's cards still: no reordering on every partial, no card pushed twice in a row.

Agents read the top card while the customer is still talking. A result that only shuffles
the same cards, or whose partial brings back a card the agent had on screen moments ago,
costs their attention and gains nothing, so it is held back. A final result always shows
as ranked.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from agent_assist.domain import RetrievalResult, Suggestion

# A newcomer must beat the card on top by this much (cosine) to take its place.
REPLACE_MARGIN = 0.03
# Seconds during which a card that left the screen is not pushed back as the new top card.
COOL_DOWN_S = 45.0


@dataclass
class CardStabilizer:
    """Decides, for each fresh result, what the panel should show (or None: keep it)."""

    replace_margin: float = REPLACE_MARGIN
    cool_down_s: float = COOL_DOWN_S
    _shown: tuple[Suggestion, ...] = ()
    _shown_utterance: str = ""
    _left_at: dict[str, float] = dataclasses.field(default_factory=dict)

    def update(self, result: RetrievalResult, now_s: float) -> RetrievalResult | None:
        if not result.suggestions:
            return None  # nothing good enough: what the agent is reading stays
        # Partials of the utterance on screen may not unseat its top card by a hair; the final
        # result is the settled ranking and always shows as ranked.
        same_utterance = result.query.utterance_id == self._shown_utterance
        ranked = result.suggestions
        if same_utterance and not result.query.is_final:
            ranked = self._keep_top_unless_clearly_beaten(ranked)
        if not result.query.is_final and self._cooling_down(ranked[0], now_s):
            return None
        if _faces(ranked) == _faces(self._shown):
            self._shown = ranked
            self._shown_utterance = result.query.utterance_id
            return None  # same cards, same order, same text: no redraw
        self._remember_leaving(ranked, now_s)
        self._shown = ranked
        self._shown_utterance = result.query.utterance_id
        return dataclasses.replace(result, suggestions=ranked)

    def reset(self) -> None:
        """A new call: nothing on screen, nothing cooling down."""
        self._shown = ()
        self._shown_utterance = ""
        self._left_at.clear()

    def _keep_top_unless_clearly_beaten(
        self, suggestions: tuple[Suggestion, ...]
    ) -> tuple[Suggestion, ...]:
        if not self._shown:
            return suggestions
        current = self._shown[0].entry_id
        same = next((s for s in suggestions if s.entry_id == current), None)
        if same is None or suggestions[0].entry_id == current:
            return suggestions
        if suggestions[0].score - same.score >= self.replace_margin:
            return suggestions
        return (same, *(s for s in suggestions if s.entry_id != current))

    def _cooling_down(self, top: Suggestion, now_s: float) -> bool:
        if self._shown and top.entry_id == self._shown[0].entry_id:
            return False
        left = self._left_at.get(top.entry_id)
        return left is not None and now_s - left < self.cool_down_s

    def _remember_leaving(self, ranked: tuple[Suggestion, ...], now_s: float) -> None:
        if self._shown and ranked[0].entry_id != self._shown[0].entry_id:
            self._left_at[self._shown[0].entry_id] = now_s


def _faces(cards: tuple[Suggestion, ...]) -> list[tuple[str, str, str]]:
    """What the agent sees of each card (a reloaded pack may change the text of an id)."""
    return [(c.entry_id, c.title, c.body) for c in cards]
