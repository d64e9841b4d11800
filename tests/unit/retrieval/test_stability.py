from __future__ import annotations

from agent_assist.domain import Query, RetrievalResult, Suggestion, SuggestionKind
from agent_assist.retrieval.stability import CardStabilizer


def _result(
    *cards: tuple[str, float], utterance: str = "customer-0", final: bool = False
) -> RetrievalResult:
    query = Query(1, utterance, "q", final, 0)
    return RetrievalResult(
        query,
        tuple(Suggestion(i, SuggestionKind.ANSWER, "refund", i, "b", s, "m") for i, s in cards),
    )


def _ids(result: RetrievalResult | None) -> list[str] | None:
    return None if result is None else [s.entry_id for s in result.suggestions]


def test_first_result_is_shown_as_is() -> None:
    assert _ids(CardStabilizer().update(_result(("a", 0.7), ("b", 0.6)), 0)) == ["a", "b"]


def test_the_same_cards_again_do_not_redraw() -> None:
    cards = CardStabilizer()
    cards.update(_result(("a", 0.7), ("b", 0.6)), 0)
    assert cards.update(_result(("a", 0.72), ("b", 0.61)), 1) is None


def test_a_newcomer_barely_ahead_does_not_take_the_top_place() -> None:
    cards = CardStabilizer(replace_margin=0.03)
    cards.update(_result(("a", 0.70), ("b", 0.60)), 0)
    assert cards.update(_result(("b", 0.71), ("a", 0.70)), 1) is None  # same set, a kept on top
    assert _ids(cards.update(_result(("c", 0.72), ("a", 0.70)), 2)) == ["a", "c"]
    assert _ids(cards.update(_result(("c", 0.80), ("a", 0.70)), 3)) == ["c", "a"]


def test_a_card_that_left_the_top_is_not_pushed_back_within_the_cool_down() -> None:
    cards = CardStabilizer(cool_down_s=45)
    cards.update(
        _result(
            ("a", 0.7),
        ),
        0,
    )
    cards.update(
        _result(
            ("b", 0.9),
        ),
        10,
    )
    assert (
        cards.update(
            _result(
                ("a", 0.95),
            ),
            20,
        )
        is None
    )
    assert _ids(
        cards.update(
            _result(
                ("a", 0.95),
            ),
            60,
        )
    ) == ["a"]


def test_nothing_good_enough_keeps_the_screen_and_reset_forgets() -> None:
    cards = CardStabilizer()
    cards.update(
        _result(
            ("a", 0.7),
        ),
        0,
    )
    assert cards.update(_result(), 1) is None
    cards.reset()
    assert _ids(
        cards.update(
            _result(
                ("a", 0.7),
            ),
            2,
        )
    ) == ["a"]


def test_the_next_utterance_confirming_the_cards_then_reordering_by_a_hair_keeps_them() -> None:
    cards = CardStabilizer(replace_margin=0.03)
    cards.update(_result(("x", 0.70), ("y", 0.60), final=True), 0)
    assert cards.update(_result(("x", 0.70), ("y", 0.60), utterance="customer-1"), 1) is None
    assert cards.update(_result(("y", 0.705), ("x", 0.70), utterance="customer-1"), 2) is None
