"""Character-bigram overlap, IDF-weighted: a lexical signal that needs no word segmenter."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

_NOT_WORD = re.compile(r"[^\w]+")


def bigrams(text: str) -> frozenset[str]:
    """Overlapping character pairs of the text without punctuation or spaces, lower-cased."""
    compact = _NOT_WORD.sub("", text.lower())
    if len(compact) == 1:
        return frozenset((compact,))
    return frozenset(compact[i : i + 2] for i in range(len(compact) - 1))


class BigramOverlap:
    """Share of the query's bigram weight (IDF over the indexed texts) found in a text."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._grams = [bigrams(t) for t in texts]
        counts = Counter(g for grams in self._grams for g in grams)
        n = max(1, len(texts))
        self._unseen_idf = math.log(1 + n)
        self._idf = {g: math.log(1 + n / c) for g, c in counts.items()}

    def score(self, query: str, text_ids: Sequence[int]) -> list[float]:
        """Coverage of ``query`` by each indexed text in ``text_ids``, in [0, 1]."""
        grams = bigrams(query)
        weights = {g: self._idf.get(g, self._unseen_idf) for g in grams}
        total = sum(weights.values()) or 1.0
        return [sum(w for g, w in weights.items() if g in self._grams[i]) / total for i in text_ids]
