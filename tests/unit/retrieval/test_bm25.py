from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from agent_assist.errors import IndexMismatchError
from agent_assist.retrieval.bm25 import BM25Index
from agent_assist.retrieval.tokenize import TokenizeOptions, load

# Document lengths 2, 3 and 4 tokens: average 3.
FRUIT = ["apple banana", "apple apple cherry", "banana durian durian durian"]

# Hand computation with k1 = 1.2, b = 0.75, N = 3:
#   idf(apple)  = ln(1 + (3 - 2 + 0.5) / (2 + 0.5)) = ln(1.6)
#   idf(cherry) = ln(1 + (3 - 1 + 0.5) / (1 + 0.5)) = ln(8 / 3)
#   length norm: doc 0 = 1.2 * (0.25 + 0.75 * 2/3) = 0.9, doc 1 = 1.2 * (0.25 + 0.75) = 1.2
#   apple in doc 0 (tf 1): ln(1.6) * 1 * 2.2 / (1 + 0.9)
#   apple in doc 1 (tf 2): ln(1.6) * 2 * 2.2 / (2 + 1.2)
#   cherry in doc 1 (tf 1): ln(8/3) * 1 * 2.2 / (1 + 1.2)
APPLE_0 = math.log(1.6) * 2.2 / 1.9
APPLE_1 = math.log(1.6) * 4.4 / 3.2
CHERRY_1 = math.log(8 / 3) * 2.2 / 2.2


@pytest.fixture(autouse=True, scope="module")
def _jieba_loaded() -> None:
    load()  # about a second, once, outside the timed tests


def _scores(found: list[tuple[int, float]]) -> list[tuple[int, float]]:
    return [(doc, pytest.approx(score, rel=1e-6)) for doc, score in found]


def test_scores_match_hand_computation() -> None:
    index = BM25Index(FRUIT)
    assert index.search("apple", 10) == _scores([(1, APPLE_1), (0, APPLE_0)])
    assert index.search("cherry apple", 10) == _scores([(1, APPLE_1 + CHERRY_1), (0, APPLE_0)])


def test_a_repeated_query_token_counts_once() -> None:
    index = BM25Index(FRUIT)
    assert index.search("apple apple apple", 10) == index.search("apple", 10)


@pytest.mark.parametrize("query", ["", "，。", "嗯那个", "the a of", "kiwi"])
def test_query_without_known_tokens_finds_nothing(query: str) -> None:
    assert BM25Index(FRUIT).search(query, 10) == []


def test_top_k_limits_results() -> None:
    index = BM25Index(FRUIT)
    assert [doc for doc, _ in index.search("apple banana", 2)] == [0, 1]
    assert index.search("apple", 0) == []


def test_equal_scores_rank_lower_doc_id_first() -> None:
    index = BM25Index(["other", "same words", "more", "same words", "same words"])
    assert [doc for doc, _ in index.search("words", 2)] == [1, 3]


def test_empty_corpus_finds_nothing() -> None:
    index = BM25Index([])
    assert len(index) == 0
    assert index.search("apple", 5) == []


def test_chinese_question_finds_its_paraphrase() -> None:
    questions = [
        "提前还款要收手续费吗",
        "逾期了罚息怎么算",
        "征信报告在哪里查",
        "怎么修改绑定的银行卡",
    ]
    index = BM25Index(questions)
    assert index.search("那个我逾期了，罚息是怎么算的啊", 1)[0][0] == 1
    assert index.search("我想查一下自己的征信", 1)[0][0] == 2


def test_scores_for_is_aligned_with_the_ids_given() -> None:
    index = BM25Index(FRUIT)
    assert index.scores_for("apple", [2, 0, 1]).tolist() == pytest.approx([0.0, APPLE_0, APPLE_1])
    assert index.scores_for("kiwi", [0, 1]).tolist() == [0.0, 0.0]


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    options = TokenizeOptions(char_bigrams=False)
    index = BM25Index([*FRUIT, "提前还款要收手续费吗"], k1=1.5, b=0.5, options=options)
    path = tmp_path / "bm25.index"
    index.save(path)
    loaded = BM25Index.load(path)
    assert (loaded.k1, loaded.b, loaded.options, len(loaded)) == (1.5, 0.5, options, 4)
    for query in ["apple", "banana durian", "提前还款", "kiwi"]:
        assert loaded.search(query, 10) == index.search(query, 10)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bm25.index"]


def test_load_refuses_another_format(tmp_path: Path) -> None:
    path = tmp_path / "bm25.npz"
    BM25Index(FRUIT).save(path)
    with np.load(path) as data:
        arrays = dict(data)
    arrays["meta"] = np.array('{"format_version": 99}')
    with path.open("wb") as file:
        np.savez(file, **arrays)
    with pytest.raises(IndexMismatchError, match="rebuild"):
        BM25Index.load(path)


def test_load_refuses_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "bm25.npz"
    BM25Index(FRUIT).save(path)
    with np.load(path) as data:
        arrays = dict(data)
    arrays["offsets"] = arrays["offsets"][:-1]
    with path.open("wb") as file:
        np.savez(file, **arrays)
    with pytest.raises(IndexMismatchError, match="damaged"):
        BM25Index.load(path)
