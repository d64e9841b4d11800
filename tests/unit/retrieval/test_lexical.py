from agent_assist.retrieval.lexical import BigramOverlap, bigrams


def test_bigrams_ignore_punctuation_and_case() -> None:
    assert bigrams("提前，还款") == {"提前", "前还", "还款"}
    assert bigrams("OK") == {"ok"}
    assert bigrams("好") == {"好"}


def test_overlap_prefers_text_sharing_rare_pairs() -> None:
    texts = ["提前还款要手续费吗", "还款失败怎么办", "我想问一下"]
    overlap = BigramOverlap(texts)
    early, failed, chat = overlap.score("提前还款收费吗", [0, 1, 2])
    assert early > failed > chat
    assert 0.0 <= chat <= early <= 1.0
