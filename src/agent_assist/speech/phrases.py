"""Correct near-miss transcriptions of script-pack terms by comparing toneless pinyin.

Vosk hears 征信 as 正心 and 分期 as 分其: the sound is right, the characters are not. For every
window of Chinese characters as long as a term, the syllables of the window are compared with
the syllables of the term:

- A character of the text has its usual reading (the first pypinyin gives); a character of a
  term has its phrase reading and every other reading (heteronym). So 还款 matches 换款 although
  pypinyin reads 还款 as hai kuan. Heteronyms are not used on the text side: rare readings
  such as fu for 还 or xin for 款 would let ordinary speech match unrelated terms.
- Identical syllables score 1.0. Syllables that differ only by a usual accent or recognition
  confusion (zh/z, ch/c, sh/s, n/l, f/h, in/ing, en/eng, an/ang) score ``NEAR_SIMILARITY``.
  Others score by letter edit distance, always below ``NEAR_SIMILARITY``.
- A window is replaced when it differs from the term, its mean score reaches
  ``min_similarity``, and at most one syllable is below ``NEAR_SIMILARITY``; for two-character
  terms none may be, because two loose syllables match far too much ordinary speech.

Some everyday words sound exactly like a term (预期/逾期, 见面/减免). A lone window equal to one
of ``keep_words`` is never rewritten; inside a longer term's window it is (预期利息 → 逾期利息
when 逾期利息 is a term), because there the longer term is the context that makes it likely.

Exact occurrences of any term are never touched, longer terms win, corrections never overlap.
Terms of one character, and terms that mix Chinese with other characters, are not fuzzy-matched.
ASCII terms are matched as whole words, ignoring case, with one edit allowed from six letters on.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import Style, lazy_pinyin, pinyin

NEAR_SIMILARITY = 0.9
DEFAULT_MIN_SIMILARITY = 0.85
# Everyday words that sound exactly like common finance terms (逾期, 减免, 年化, 分期, 协商, 额度).
DEFAULT_KEEP_WORDS = ("预期", "见面", "年华", "分歧", "写上", "恶毒")
_MIN_ASCII_FUZZY_LENGTH = 6

_INITIAL = re.compile(r"zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw]")
_NEAR_INITIALS = {"zh": "z", "ch": "c", "sh": "s", "n": "l", "f": "h"}
_NEAR_FINALS = {"ang": "an", "eng": "en", "ing": "in", "iang": "ian", "uang": "uan"}
_ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_ANCHOR_PAIRS = ((0, 1), (0, 2), (1, 2))

_Readings = frozenset[str]
_AnchorKey = tuple[int, int, str, str]


@dataclass(frozen=True, slots=True)
class Correction:
    """One replacement made by :meth:`PhraseCorrector.correct`.

    ``start``/``end`` index the text given to ``correct``, not the corrected text.
    """

    original: str
    term: str
    start: int
    end: int
    similarity: float


# eq=False: terms are distinct objects, and identity hashing keeps the index lookups cheap.
@dataclass(frozen=True, slots=True, eq=False)
class _HanTerm:
    text: str
    readings: tuple[_Readings, ...]
    near_readings: tuple[_Readings, ...]  # the readings with confusions folded

    @classmethod
    def of(cls, text: str) -> _HanTerm:
        phrase = lazy_pinyin(text, style=Style.NORMAL)
        readings = tuple(
            frozenset(pinyin(char, style=Style.NORMAL, heteronym=True)[0]) | {said}
            for char, said in zip(text, phrase, strict=True)
        )
        near = tuple(frozenset(map(_normalise, options)) for options in readings)
        return cls(text, readings, near)


class PhraseCorrector:
    """Replace sound-alike misrecognitions of known domain terms in a transcript."""

    def __init__(
        self,
        terms: Iterable[str],
        min_similarity: float = DEFAULT_MIN_SIMILARITY,
        *,
        keep_words: Iterable[str] = DEFAULT_KEEP_WORDS,
    ) -> None:
        self._terms = tuple(dict.fromkeys(term.strip() for term in terms if term.strip()))
        self._min_similarity = min_similarity
        self._keep_words = frozenset(keep_words)
        han_terms = [
            _HanTerm.of(term) for term in self._terms if len(term) >= 2 and all(map(_is_han, term))
        ]
        self._han_index = _index_by_anchor_pairs(han_terms)
        self._ascii_terms = tuple(term for term in self._terms if _ASCII_WORD.fullmatch(term))

    @property
    def terms(self) -> tuple[str, ...]:
        """The distinct terms, in the order given."""
        return self._terms

    def correct(self, text: str) -> tuple[str, tuple[Correction, ...]]:
        """Return the corrected text and the corrections, in text order."""
        candidates = [*self._han_candidates(text), *self._ascii_candidates(text)]
        if not candidates:
            return text, ()
        chosen = _choose(candidates, _exact_spans(text, self._terms))
        return _apply(text, chosen), chosen

    def _han_candidates(self, text: str) -> Iterator[Correction]:
        readings = [_reading(char) for char in text]
        near = [_normalise(reading) for reading in readings]
        for start, run_end in enumerate(_han_run_ends(text)):
            for term in self._terms_anchored_at(near, start, run_end):
                end = start + len(term.text)
                window = text[start:end]
                if end > run_end or window == term.text or window in self._keep_words:
                    continue
                similarity = _similarity(readings[start:end], term)
                if similarity >= self._min_similarity:
                    yield Correction(window, term.text, start, end, similarity)

    def _terms_anchored_at(self, near: Sequence[str], start: int, run_end: int) -> set[_HanTerm]:
        found: set[_HanTerm] = set()
        for first, second in _ANCHOR_PAIRS:
            if start + second < run_end:
                key = (first, second, near[start + first], near[start + second])
                found.update(self._han_index.get(key, ()))
        return found

    def _ascii_candidates(self, text: str) -> Iterator[Correction]:
        for match in _ASCII_WORD.finditer(text):
            word = match.group()
            for term in self._ascii_terms:
                distance = _ascii_distance(word, term)
                if word != term and distance is not None:
                    similarity = 1 - distance / max(len(word), len(term))
                    yield Correction(word, term, match.start(), match.end(), similarity)


def _index_by_anchor_pairs(terms: Iterable[_HanTerm]) -> dict[_AnchorKey, tuple[_HanTerm, ...]]:
    """Terms by (position, position, syllable, syllable) of their anchor pairs.

    A two-character match has no miss; a longer one has at most one, so one of the positions
    (0, 1), (0, 2) or (1, 2) is near-identical. Only terms found this way are scored.
    """
    index: defaultdict[_AnchorKey, set[_HanTerm]] = defaultdict(set)
    for term in terms:
        near = term.near_readings
        for first, second in _ANCHOR_PAIRS[: 1 if len(near) == 2 else 3]:
            for pair in itertools.product(near[first], near[second]):
                index[first, second, *pair].add(term)
    return {key: tuple(found) for key, found in index.items()}


def _similarity(window: Sequence[str], term: _HanTerm) -> float:
    misses_left = 0 if len(window) == 2 else 1
    total = 0.0
    for heard, readings, near_readings in zip(
        window, term.readings, term.near_readings, strict=True
    ):
        if heard in readings:
            total += 1.0
        elif _normalise(heard) in near_readings:
            total += NEAR_SIMILARITY
        elif misses_left:
            misses_left -= 1
            total += max(_letter_similarity(heard, wanted) for wanted in readings)
        else:
            return 0.0
    return total / len(window)


def _choose(candidates: list[Correction], locked: list[tuple[int, int]]) -> tuple[Correction, ...]:
    taken = list(locked)
    chosen: list[Correction] = []
    for candidate in sorted(candidates, key=lambda c: (-len(c.term), -c.similarity, c.start)):
        if not any(candidate.start < end and start < candidate.end for start, end in taken):
            chosen.append(candidate)
            taken.append((candidate.start, candidate.end))
    return tuple(sorted(chosen, key=lambda c: c.start))


def _apply(text: str, corrections: Iterable[Correction]) -> str:
    parts, position = [], 0
    for correction in corrections:
        parts += [text[position : correction.start], correction.term]
        position = correction.end
    return "".join([*parts, text[position:]])


def _exact_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    spans = []
    for term in terms:
        start = text.find(term)
        while start >= 0:
            spans.append((start, start + len(term)))
            start = text.find(term, start + 1)
    return spans


def _han_run_ends(text: str) -> list[int]:
    """For each index, where the run of Chinese characters starting there ends."""
    ends, end = [0] * len(text), len(text)
    for index in range(len(text) - 1, -1, -1):
        if not _is_han(text[index]):
            end = index
        ends[index] = end
    return ends


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


@lru_cache(maxsize=8192)
def _reading(char: str) -> str:
    """Usual toneless reading of a Chinese character; anything else stands for itself."""
    return lazy_pinyin(char, style=Style.NORMAL)[0] if _is_han(char) else char


@lru_cache(maxsize=4096)
def _normalise(syllable: str) -> str:
    """Fold the confusions listed in the module docstring onto one spelling."""
    match = _INITIAL.match(syllable)
    initial = match.group() if match else ""
    final = syllable[len(initial) :]
    return _NEAR_INITIALS.get(initial, initial) + _NEAR_FINALS.get(final, final)


@lru_cache(maxsize=65536)
def _letter_similarity(heard: str, wanted: str) -> float:
    """Score of two syllables that are not near-identical: always below NEAR_SIMILARITY."""
    letters = 1 - _edit_distance(heard, wanted) / max(len(heard), len(wanted))
    return min(letters, NEAR_SIMILARITY - 0.01)


def _ascii_distance(word: str, term: str) -> int | None:
    """0 for a case-insensitive match, 1 for one edit on a long term, else None."""
    word, term = word.lower(), term.lower()
    if word == term:
        return 0
    if len(term) >= _MIN_ASCII_FUZZY_LENGTH and _edit_distance(word, term) == 1:
        return 1
    return None


def _edit_distance(left: str, right: str) -> int:
    previous = list(range(len(right) + 1))
    for row, left_char in enumerate(left, 1):
        current = [row]
        for column, right_char in enumerate(right, 1):
            substitution = previous[column - 1] + (left_char != right_char)
            current.append(min(previous[column] + 1, current[column - 1] + 1, substitution))
        previous = current
    return previous[-1]
