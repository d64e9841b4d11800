"""Small text helpers shared by the stages."""

from __future__ import annotations

import re

_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
# Vosk's Chinese models put a space between words; readers and the embedder want none.
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")


def join_cjk(text: str) -> str:
    """Remove the spaces a recognizer puts between Chinese words, keep them elsewhere."""
    return _SPACE_BETWEEN_CJK.sub("", text.strip())
