"""Okapi BM25 over ``tokens()``: an inverted index held in numpy arrays, saved without pickle."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from agent_assist.errors import IndexMismatchError
from agent_assist.retrieval.tokenize import DEFAULT_OPTIONS, TokenizeOptions, tokens

FORMAT_VERSION = 1
# Tokens never contain whitespace, so a newline can separate them in the saved vocabulary.
_WORD_SEPARATOR = "\n"


@dataclass(frozen=True, slots=True)
class _Postings:
    """Token → slice of ``doc_ids``/``weights``; each weight is the token's whole BM25 term."""

    vocabulary: dict[str, int]
    offsets: np.ndarray  # int64, len(vocabulary) + 1
    doc_ids: np.ndarray  # int32, ascending within each token
    weights: np.ndarray  # float32
    doc_count: int


class BM25Index:
    """Okapi BM25 over a fixed list of texts; document ids are their positions.

    Term weights are computed at build time, so a search only sums the posting lists of
    the query's distinct tokens. IDF is Lucene's ``ln(1 + (N - df + 0.5) / (df + 0.5))``,
    which never goes negative for very common tokens. A query token counts once however
    often the caller repeats it.
    """

    def __init__(
        self,
        texts: Sequence[str],
        *,
        k1: float = 1.2,
        b: float = 0.75,
        options: TokenizeOptions = DEFAULT_OPTIONS,
    ) -> None:
        self.k1 = k1
        self.b = b
        self.options = options
        self._postings = _build_postings([tokens(t, options) for t in texts], k1, b)

    def __len__(self) -> int:
        return self._postings.doc_count

    def search(self, query: str, top_k: int) -> list[tuple[int, float]]:
        """The ``top_k`` best (doc id, score) pairs sharing a token with ``query``, best first.

        Equal scores rank the lower doc id first.
        """
        scores = self._scores(query)
        if scores is None or top_k <= 0:
            return []
        return _top(scores, top_k)

    def scores_for(self, query: str, doc_ids: Sequence[int]) -> np.ndarray:
        """BM25 score of each of ``doc_ids`` for ``query`` (0 for no shared token), aligned."""
        scores = self._scores(query)
        if scores is None:
            return np.zeros(len(doc_ids))
        return scores[np.asarray(doc_ids, dtype=np.int64)]

    def save(self, path: Path) -> None:
        """Write the index to one ``.npz`` file (no pickled objects), replacing it atomically."""
        postings = self._postings
        meta = {
            "format_version": FORMAT_VERSION,
            "k1": self.k1,
            "b": self.b,
            "options": asdict(self.options),
            "doc_count": postings.doc_count,
        }
        partial = path.with_name(path.name + ".partial")
        with partial.open("wb") as file:
            np.savez(
                file,
                meta=np.array(json.dumps(meta)),
                vocabulary=_encode_words(list(postings.vocabulary)),
                offsets=postings.offsets,
                doc_ids=postings.doc_ids,
                weights=postings.weights,
            )
        os.replace(partial, path)

    @classmethod
    def load(cls, path: Path) -> BM25Index:
        """Read an index written by ``save``; raise ``IndexMismatchError`` for another format."""
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta.get("format_version") != FORMAT_VERSION:
                raise IndexMismatchError(
                    f"{path}: BM25 index format {meta.get('format_version')}, this version "
                    f"reads {FORMAT_VERSION}; rebuild the index"
                )
            words = _decode_words(data["vocabulary"])
            if len(data["offsets"]) != len(words) + 1:
                raise IndexMismatchError(f"{path}: BM25 index is damaged; rebuild the index")
            postings = _Postings(
                vocabulary={word: i for i, word in enumerate(words)},
                offsets=data["offsets"],
                doc_ids=data["doc_ids"],
                weights=data["weights"],
                doc_count=int(meta["doc_count"]),
            )
        index = cls.__new__(cls)
        index.k1, index.b = float(meta["k1"]), float(meta["b"])
        index.options = TokenizeOptions(**meta["options"])
        index._postings = postings
        return index

    def _scores(self, query: str) -> np.ndarray | None:
        """Score of every document (float64), or None when no query token is indexed."""
        postings = self._postings
        vocabulary = postings.vocabulary
        known = {vocabulary[t] for t in tokens(query, self.options) if t in vocabulary}
        if not known:
            return None
        spans = [slice(postings.offsets[t], postings.offsets[t + 1]) for t in sorted(known)]
        doc_ids = np.concatenate([postings.doc_ids[s] for s in spans])
        weights = np.concatenate([postings.weights[s] for s in spans])
        return np.bincount(doc_ids, weights=weights, minlength=postings.doc_count)


def _build_postings(documents: list[list[str]], k1: float, b: float) -> _Postings:
    vocabulary: dict[str, int] = {}
    token_ids: list[int] = []
    doc_ids: list[int] = []
    counts: list[int] = []
    for doc_id, words in enumerate(documents):
        for word, count in Counter(words).items():
            token_ids.append(vocabulary.setdefault(word, len(vocabulary)))
            doc_ids.append(doc_id)
            counts.append(count)
    order = np.argsort(np.array(token_ids, dtype=np.int64), kind="stable")
    token_of = np.array(token_ids, dtype=np.int64)[order]
    doc_of = np.array(doc_ids, dtype=np.int32)[order]
    tf = np.array(counts, dtype=np.float64)[order]
    doc_freq = np.bincount(token_of, minlength=len(vocabulary))
    lengths = np.array([len(words) for words in documents], dtype=np.float64)
    mean_length = lengths.mean() if lengths.size and lengths.mean() > 0 else 1.0
    length_norm = k1 * (1.0 - b + b * lengths / mean_length)
    n = len(documents)
    idf = np.log1p((n - doc_freq + 0.5) / (doc_freq + 0.5))
    weights = idf[token_of] * tf * (k1 + 1.0) / (tf + length_norm[doc_of])
    return _Postings(
        vocabulary=vocabulary,
        offsets=np.concatenate(([0], np.cumsum(doc_freq))).astype(np.int64),
        doc_ids=doc_of,
        weights=weights.astype(np.float32),
        doc_count=n,
    )


def _encode_words(words: list[str]) -> np.ndarray:
    # One UTF-8 buffer: a numpy string array stores 4 bytes per character of the longest token.
    return np.frombuffer(_WORD_SEPARATOR.join(words).encode("utf-8"), dtype=np.uint8)


def _decode_words(buffer: np.ndarray) -> list[str]:
    text = buffer.tobytes().decode("utf-8")
    return text.split(_WORD_SEPARATOR) if text else []


def _top(scores: np.ndarray, top_k: int) -> list[tuple[int, float]]:
    """Best ``top_k`` positive scores, ties broken by lower doc id, without a full sort."""
    candidates = np.flatnonzero(scores)
    if candidates.size > top_k:
        kth_best = np.partition(scores[candidates], -top_k)[-top_k]
        candidates = candidates[scores[candidates] >= kth_best]
    order = np.lexsort((candidates, -scores[candidates]))[:top_k]
    return [(int(d), float(scores[d])) for d in candidates[order]]
