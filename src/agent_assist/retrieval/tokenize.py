"""Search tokens of mixed Chinese/English caller speech: jieba words, English words, digits."""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import jieba

# Fillers and particles that callers and ASR scatter everywhere; they carry no topic.
_STOPWORD_LIST = """
    嗯 呃 啊 吧 呢 的 了 吗 呀 哦 噢 哎 诶 嘛 哈 啦 喂 呗 么 着 地 得 那
    那个 这个 就是 然后 一下 您好 你好 请问 的话 这样 那么 还是说
    the a an is are was were be been am do does did to of in on at for with and or
    but so it its it's this that these those i i'm me my you your we our they
    can could would will should um uh er ah oh well just please hi hello
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORD_LIST.split())

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PIECES = re.compile(rf"(?P<han>[{_HAN}]+)|(?P<word>[a-z]+(?:'[a-z]+)?)|(?P<number>\d+(?:\.\d+)?)")
_ALL_HAN = re.compile(rf"[{_HAN}]+")


@dataclass(frozen=True, slots=True)
class TokenizeOptions:
    """How Chinese becomes tokens; an index is queried with the options it was built with.

    Attributes:
        char_bigrams: also emit overlapping character pairs of each run of kept Chinese
            words, so a query still matches when ASR swaps a character and jieba cuts the
            phrase differently.
        search_mode: also emit the dictionary 2- and 3-character words inside longer words,
            as ``jieba.cut_for_search`` does.
        hmm: let jieba's HMM join characters outside its dictionary into new words. Off by
            default: on misrecognized speech it invents words (我争, 信上) that match
            nothing, while single characters plus bigrams still match.
    """

    char_bigrams: bool = True
    search_mode: bool = False
    hmm: bool = False


DEFAULT_OPTIONS = TokenizeOptions()


class _Segmenter:
    """One jieba tokenizer for the process, loaded on first use (about a second)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jieba: jieba.Tokenizer | None = None

    def get(self) -> jieba.Tokenizer:
        if self._jieba is None:
            with self._lock:
                if self._jieba is None:
                    self._jieba = self._load()
        return self._jieba

    def add_words(self, words: Iterable[str]) -> None:
        segmenter = self.get()
        # Readers never lock: jieba only looks words up, and each add is a few dict writes.
        with self._lock:
            for word in words:
                segmenter.add_word(word)

    @staticmethod
    def _load() -> jieba.Tokenizer:
        # jieba logs its dictionary loading to stderr at DEBUG through its own handler.
        jieba.setLogLevel(logging.WARNING)
        segmenter = jieba.Tokenizer()
        segmenter.initialize()
        return segmenter


_SEGMENTER = _Segmenter()


def load() -> None:
    """Load jieba's dictionary now (about a second) rather than on the first ``tokens`` call."""
    _SEGMENTER.get()


def add_words(words: Iterable[str]) -> None:
    """Make jieba keep each domain word (征信, 年化利率 …) as one token, process-wide.

    Indexes and their queries must see the same words. Words that are not all Chinese
    characters are skipped: English words are already whole tokens.
    """
    normalized = (unicodedata.normalize("NFKC", w).strip() for w in words)
    _SEGMENTER.add_words(w for w in normalized if _ALL_HAN.fullmatch(w))


def tokens(text: str, options: TokenizeOptions = DEFAULT_OPTIONS) -> list[str]:
    """Tokens of ``text`` in order: Chinese words, lower-case English words, numbers.

    The character bigrams of a Chinese run follow its words. Punctuation, whitespace and
    ``STOPWORDS`` are dropped; full-width letters and digits count as their ASCII forms.
    Thread-safe.
    """
    normalized = unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'")
    found: list[str] = []
    for piece in _PIECES.finditer(normalized):
        if piece.lastgroup == "han":
            found.extend(_chinese_tokens(piece.group(), options))
        elif piece.group() not in STOPWORDS:
            found.append(piece.group())
    return found


def _chinese_tokens(run: str, options: TokenizeOptions) -> Iterator[str]:
    segmenter = _SEGMENTER.get()
    words = segmenter.lcut(run, HMM=options.hmm)
    for word in words:
        if word in STOPWORDS:
            continue
        if options.search_mode:
            yield from _dictionary_parts(word, segmenter.FREQ)
        yield word
    if options.char_bigrams:
        for span in _spans_between_stopwords(words):
            yield from (span[i : i + 2] for i in range(len(span) - 1))


def _dictionary_parts(word: str, frequencies: dict[str, int]) -> Iterator[str]:
    """The known 2- and 3-character words inside a longer word (``jieba.cut_for_search``)."""
    for size in (2, 3):
        if len(word) > size:
            parts = (word[i : i + size] for i in range(len(word) - size + 1))
            yield from (part for part in parts if frequencies.get(part))


def _spans_between_stopwords(words: list[str]) -> Iterator[str]:
    """Joined runs of consecutive non-stopwords: pairs never bridge a removed filler."""
    span: list[str] = []
    for word in words:
        if word in STOPWORDS:
            yield "".join(span)
            span = []
        else:
            span.append(word)
    yield "".join(span)
