"""Find a rule's phrasings in an utterance: exactly, by pinyin, and by meaning.

Recognition writes 包过 as 包国 and 征信 as 正心, so phrases are also compared by toneless
pinyin (the same comparison that corrects pack terms in speech). Meaning catches the
phrasings nobody listed: the utterance is embedded once and compared with every rule's
examples; a meaning match must also beat the compliant counter-examples by a margin, so
"我没办法保证能批" does not count as a guarantee.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

from agent_assist.retrieval.embedder import Embedder
from agent_assist.speech.phrases import PhraseCorrector

K = TypeVar("K")

_DROP = re.compile(r"[\s\W_]+", re.UNICODE)
# A negation just before a phrase turns it around: 不能保证, 没有承诺, 绝不会上门.
# "不还就上门" is not a negation of 上门: only a negator, a modal and a "to you" may come between.
_NEGATION_BEFORE = re.compile(
    r"(?:(?:不|没|无|別|别|未|勿|非|绝不|决不)(?:能|会|可能|可以|要|用|是|敢|有|法|得|曾)?"
    r"(?:给您|跟您|向您|为您|帮您|给你|跟你|向你|和您)?"
    r"|not|never|cannot|cant|dont|wont|no)$"
)
_NEGATION_REACH = 8
# The words of a pattern must fall within this many characters (one clause, roughly).
PATTERN_REACH = 16
# Pinyin matching is for phrases long enough that a sound-alike is not a coincidence.
_MIN_PINYIN_CHARS = 3


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, no spaces or punctuation: what phrases match."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text).lower())


@dataclass(frozen=True, slots=True)
class PhraseHit(Generic[K]):
    key: K
    phrase: str
    how: str  # "exact" or "pinyin"
    start: int
    end: int


class PhraseMatcher(Generic[K]):
    """Phrases per key (a rule, a step); each hit names the key, the phrase and how."""

    def __init__(self, phrases: Iterable[tuple[K, str]], pinyin: bool = True) -> None:
        self._by_phrase: dict[str, list[K]] = {}
        for key, phrase in phrases:
            norm = normalise(phrase)
            if norm:
                self._by_phrase.setdefault(norm, []).append(key)
        sound_alike = [p for p in self._by_phrase if len(p) >= _MIN_PINYIN_CHARS]
        self._pinyin = PhraseCorrector(sound_alike, keep_words=()) if pinyin else None

    def find(self, norm_text: str) -> list[PhraseHit[K]]:
        """Hits in text already passed through :func:`normalise`; negated ones are left out."""
        hits: list[PhraseHit[K]] = []
        for phrase, keys in self._by_phrase.items():
            start = norm_text.find(phrase)
            while start >= 0:
                if not _negated(norm_text, start):
                    hits.extend(
                        PhraseHit(k, phrase, "exact", start, start + len(phrase)) for k in keys
                    )
                    break
                start = norm_text.find(phrase, start + 1)
        if self._pinyin is not None:
            _, corrections = self._pinyin.correct(norm_text)
            for fix in corrections:
                if not _negated(norm_text, fix.start):
                    hits.extend(
                        PhraseHit(k, fix.term, "pinyin", fix.start, fix.end)
                        for k in self._by_phrase[fix.term]
                    )
        return hits


class PatternMatcher(Generic[K]):
    """Co-occurrence patterns: one word of every group, each somewhere and not negated."""

    def __init__(self, patterns: Iterable[tuple[K, str]]) -> None:
        self._patterns = [
            (key, pattern, [[normalise(w) for w in g.split("|") if normalise(w)]
                            for g in pattern.split("+")])
            for key, pattern in patterns
        ]  # fmt: skip

    def find(self, norm_text: str) -> list[PhraseHit[K]]:
        hits = []
        for key, pattern, groups in self._patterns:
            found = [_unnegated(norm_text, words) for words in groups]
            if not all(found):
                continue
            # The closest combination: words far apart belong to different thoughts.
            start, end = min(
                ((min(s for s, _ in combo), max(e for _, e in combo))
                 for combo in itertools.product(*found)),
                key=lambda span: span[1] - span[0],
            )  # fmt: skip
            if end - start <= PATTERN_REACH:
                hits.append(PhraseHit(key, pattern, "pattern", start, end))
        return hits


def _unnegated(norm_text: str, words: Sequence[str]) -> list[tuple[int, int]]:
    spans = []
    for word in words:
        start = norm_text.find(word)
        while start >= 0:
            if not _negated(norm_text, start):
                spans.append((start, start + len(word)))
            start = norm_text.find(word, start + 1)
    return spans[:8]


def contains_any(norm_text: str, phrases: Iterable[str]) -> bool:
    return any(p and p in norm_text for p in (normalise(x) for x in phrases))


def contains_unnegated(norm_text: str, phrases: Iterable[str]) -> bool:
    """Like ``contains_any``, but "不是我本人操作" does not contain "是我本人操作"."""
    return bool(_unnegated(norm_text, [p for p in (normalise(x) for x in phrases) if p]))


def _negated(norm_text: str, start: int) -> bool:
    return bool(_NEGATION_BEFORE.search(norm_text[max(0, start - _NEGATION_REACH) : start]))


@dataclass(frozen=True, slots=True)
class MeaningHit(Generic[K]):
    key: K
    example: str
    score: float
    margin: float  # over the best counter-example


class MeaningMatcher(Generic[K]):
    """Examples per key and compliant counter-examples, compared by cosine similarity."""

    def __init__(
        self,
        embedder: Embedder,
        examples: Sequence[tuple[K, str]],
        counter_examples: Sequence[str],
        min_score: float,
        min_margin: float,
    ) -> None:
        self._keys = [k for k, _ in examples]
        self._examples = [text for _, text in examples]
        self._vectors = embedder.encode(self._examples) if examples else None
        self._counter = embedder.encode(list(counter_examples)) if counter_examples else None
        self._min_score = min_score
        self._min_margin = min_margin

    def __bool__(self) -> bool:
        return self._vectors is not None

    def best(self, vector: np.ndarray) -> MeaningHit[K] | None:
        """The best example's key if it clears the threshold and the counter-examples."""
        if self._vectors is None:
            return None
        scores = self._vectors @ vector
        i = int(np.argmax(scores))
        score = float(scores[i])
        against = float(np.max(self._counter @ vector)) if self._counter is not None else -1.0
        if score < self._min_score or score - against < self._min_margin:
            return None
        return MeaningHit(
            self._keys[i], self._examples[i], round(score, 3), round(score - against, 3)
        )
