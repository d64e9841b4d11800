"""Normalise recognizer text for later stages: pack terms corrected, numbers as digits."""

from __future__ import annotations

from collections.abc import Sequence

from agent_assist.speech.channel import TextPostprocessor


def make_postprocessor(normalize_numbers: bool, terms: Sequence[str]) -> TextPostprocessor | None:
    """A function ``(text, is_final) -> text``, or None when there is nothing to do.

    Pack terms are corrected in partials too (they feed early queries); numbers only in
    finals, because a partial's number is still growing (两千 → 两千三百).
    """
    from agent_assist.speech.numerals import normalize_numbers as to_digits
    from agent_assist.speech.phrases import PhraseCorrector

    corrector = PhraseCorrector(terms) if terms else None
    if corrector is None and not normalize_numbers:
        return None

    def postprocess(text: str, is_final: bool) -> str:
        if corrector is not None:
            text, _ = corrector.correct(text)
        if normalize_numbers and is_final:
            text = to_digits(text)
        return text

    return postprocess
