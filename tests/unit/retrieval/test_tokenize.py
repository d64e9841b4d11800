from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from agent_assist.retrieval.tokenize import STOPWORDS, TokenizeOptions, add_words, load, tokens

WORDS_ONLY = TokenizeOptions(char_bigrams=False)


@pytest.fixture(autouse=True, scope="module")
def _jieba_loaded() -> None:
    load()  # about a second, once, outside the timed tests


def test_mixed_chinese_english_and_digits() -> None:
    text = "我想提前还款，Can I pay ＡＰＰ 12期？It’s 3.5%"
    assert tokens(text, WORDS_ONLY) == ["我", "想", "提前", "还款", "pay", "app", "12", "期", "3.5"]


@pytest.mark.parametrize("text", ["", "，。！ ... ？", "嗯，那个，就是吧", "Um, well, the..."])
def test_nothing_but_fillers_and_punctuation_gives_no_tokens(text: str) -> None:
    assert tokens(text) == []


def test_fillers_are_removed() -> None:
    found = tokens("嗯，那个，就是我这个逾期了吗")
    assert "逾期" in found
    assert not STOPWORDS & set(found)


def test_char_bigrams_follow_the_words() -> None:
    assert tokens("提前还款") == ["提前", "还款", "提前", "前还", "还款"]


def test_char_bigrams_never_bridge_a_removed_filler() -> None:
    assert "个还" not in tokens("那个还款")
    assert "期还" not in tokens("逾期了还款")


def test_search_mode_adds_known_words_inside_longer_words() -> None:
    options = TokenizeOptions(char_bigrams=False, search_mode=True)
    assert tokens("一块儿", options) == ["一块", "块儿", "一块儿"]


@pytest.mark.parametrize(
    ("hmm", "expected"), [(False, ["我", "争", "信", "上"]), (True, ["我争", "信上"])]
)
def test_hmm_joins_unknown_characters_only_when_asked(hmm: bool, expected: list[str]) -> None:
    assert tokens("我争信上", TokenizeOptions(char_bigrams=False, hmm=hmm)) == expected


def test_domain_words_stay_whole() -> None:
    # These words are added to the process-wide segmenter; no other test relies on them.
    assert "随借随还" not in tokens("我想开通随借随还", WORDS_ONLY)
    add_words(["随借随还", "年化利率", "App页面"])
    assert tokens("我想开通随借随还", WORDS_ONLY) == ["我", "想", "开通", "随借随还"]
    assert tokens("年化利率是多少", WORDS_ONLY)[0] == "年化利率"


def test_tokens_is_thread_safe() -> None:
    texts = ["我想提前还款", "信用卡逾期了怎么办", "How do I close my account?", "额度怎么提"] * 50
    expected = [tokens(t) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(tokens, texts)) == expected
