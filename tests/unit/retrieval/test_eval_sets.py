from __future__ import annotations

from pathlib import Path

import pytest

from agent_assist.retrieval.eval_sets import (
    DISTRACTOR_LABEL,
    EvalSet,
    atec,
    banking77,
    bq,
    clean_text,
    load_eval_set,
)

BOM = "\ufeff"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def _banking_csv(folder: Path) -> Path:
    lines = ["text,category"]
    for intent in ("card_arrival", "lost_card", "top_up"):
        lines += [f"{intent} question {k},{intent}" for k in range(6)]
    lines += [
        '"\nI cannot use my card\n\n",card_arrival',  # quoted, spans lines, as in train.csv
        '"Lost, stolen, or just gone?",lost_card',  # quoted comma
        "same words twice,top_up",
        "same words twice,lost_card",  # filed under two intents: ambiguous
    ]
    return _write(folder / "train.csv", "\r\n".join(lines) + "\r\n")


def _bq_csv(folder: Path) -> Path:
    rows = [
        "sentence1,sentence2,label",
        "怎么还款,如何还款呢,1",
        "如何还款呢,还款的方法是什么,1",  # joins the first pair: one cluster of three
        "怎么还款 ,怎么还款,1",  # equal after cleaning: says nothing
        "利息多少,利息怎么算的,1",
        '"借款,多久到账",利息多少,0',  # quoted comma; negative pair only: distractor
        "\b额度不够,怎么还款,0",  # backspace in the source
    ]
    return _write(folder / "dev.csv", BOM + "\n".join(rows) + "\n")


def _atec_csv(folder: Path) -> Path:
    rows = [
        f"1\t{BOM}花呗怎么还\t花呗如何还款\t1",  # a BOM inside the first field, as in the source
        "2\t花呗如何还款\t怎样还花呗\t1",  # s2 joins pair 1's cluster; its s1 is indexed
        '3\t"""没有""""花呗"""\t为什么没有花呗\t1',  # quotes are text in this TSV
        "4\t借呗***期利息\t借呗怎么提额\t0",
        "5\t花呗怎么还\t借呗怎么提额\t0",
    ]
    return _write(folder / "atec_nlp_sim_train.csv", BOM + "\r\n".join(rows) + "\r\n")


@pytest.fixture
def assets(tmp_path: Path) -> Path:
    _banking_csv(tmp_path / "banking77")
    _bq_csv(tmp_path / "bq_corpus")
    _atec_csv(tmp_path / "afqmc")
    return tmp_path


def _texts(eval_set: EvalSet) -> set[str]:
    return {document.text for document in eval_set.documents}


def _relevant_texts(eval_set: EvalSet, query_text: str) -> set[str]:
    by_id = {document.id: document.text for document in eval_set.documents}
    (query,) = [q for q in eval_set.queries if q.text == query_text]
    return {by_id[doc_id] for doc_id in query.relevant}


def test_clean_text_drops_invisible_characters_and_folds_whitespace() -> None:
    assert clean_text(f"{BOM}\bI  lost\u200d my\r\ncard\xa0 ") == "I lost my card"


def test_banking77_takes_per_intent_documents_and_queries_the_rest(assets: Path) -> None:
    eval_set = banking77(assets / "banking77", per_intent=2, max_queries=None)
    labels = [document.label for document in eval_set.documents]
    assert labels == ["card_arrival"] * 2 + ["lost_card"] * 2 + ["top_up"] * 2
    assert len(eval_set.queries) == 3 * 6 + 2 - 6  # two quoted texts; the ambiguous one dropped
    for query in eval_set.queries:
        assert len(query.relevant) == 2
        intents = {d.label for d in eval_set.documents if d.id in query.relevant}
        assert len(intents) == 1


def test_banking77_parses_quoted_multiline_fields(assets: Path) -> None:
    eval_set = banking77(assets / "banking77", per_intent=1, max_queries=None)
    texts = _texts(eval_set) | {query.text for query in eval_set.queries}
    assert "I cannot use my card" in texts
    assert "Lost, stolen, or just gone?" in texts
    assert "same words twice" not in texts


def test_banking77_caps_queries_and_is_deterministic(assets: Path) -> None:
    first = banking77(assets / "banking77", per_intent=2, seed=3, max_queries=5)
    assert len(first.queries) == 5
    assert first == banking77(assets / "banking77", per_intent=2, seed=3, max_queries=5)
    assert "6 documents" in first.description


def test_banking77_seed_changes_the_documents(assets: Path) -> None:
    sets = [banking77(assets / "banking77", per_intent=2, seed=seed) for seed in range(5)]
    assert len({tuple(s.documents) for s in sets}) > 1


def test_bq_indexes_the_shortest_sentence_of_each_cluster(assets: Path) -> None:
    eval_set = bq(assets / "bq_corpus", max_queries=None)
    clustered = {d.text for d in eval_set.documents if d.label != DISTRACTOR_LABEL}
    assert clustered == {"怎么还款", "利息多少"}
    assert {q.text for q in eval_set.queries} == {"如何还款呢", "还款的方法是什么", "利息怎么算的"}
    assert _relevant_texts(eval_set, "还款的方法是什么") == {"怎么还款"}
    assert _relevant_texts(eval_set, "利息怎么算的") == {"利息多少"}


def test_bq_indexes_negative_only_sentences_as_distractors(assets: Path) -> None:
    eval_set = bq(assets / "bq_corpus", max_queries=None)
    distractors = {d.text for d in eval_set.documents if d.label == DISTRACTOR_LABEL}
    assert distractors == {"借款,多久到账", "额度不够"}
    assert len(eval_set.documents) == len(_texts(eval_set))
    assert "0 negative pairs fall inside a cluster" in eval_set.description


def test_atec_reads_bom_crlf_tabs_and_literal_quotes(assets: Path) -> None:
    eval_set = atec(assets / "afqmc", max_queries=None)
    assert _texts(eval_set) == {"花呗怎么还", "花呗如何还款", '"""没有""""花呗"""', "借呗***期利息"}
    assert {q.text for q in eval_set.queries} == {"怎样还花呗", "为什么没有花呗"}


def test_atec_hits_are_every_indexed_sentence_of_the_cluster(assets: Path) -> None:
    eval_set = atec(assets / "afqmc", max_queries=None)
    assert _relevant_texts(eval_set, "怎样还花呗") == {"花呗怎么还", "花呗如何还款"}
    distractors = {d.text for d in eval_set.documents if d.label == DISTRACTOR_LABEL}
    assert distractors == {"借呗***期利息"}


def test_sets_are_identical_when_built_twice(assets: Path) -> None:
    for name in ("banking77", "bq", "atec"):
        assert load_eval_set(name, assets, max_queries=2) == load_eval_set(
            name, assets, max_queries=2
        )


def test_document_ids_are_unique(assets: Path) -> None:
    for name in ("banking77", "bq", "atec"):
        ids = [d.id for d in load_eval_set(name, assets).documents]
        assert len(ids) == len(set(ids))


def test_load_eval_set_rejects_unknown_names(assets: Path) -> None:
    with pytest.raises(ValueError, match="unknown eval set"):
        load_eval_set("lcqmc", assets)


def test_missing_columns_are_reported(tmp_path: Path) -> None:
    _write(tmp_path / "dev.csv", "question,answer\na,b\n")
    with pytest.raises(ValueError, match="missing column"):
        bq(tmp_path)


def test_atec_rows_must_have_four_columns(tmp_path: Path) -> None:
    _write(tmp_path / "atec_nlp_sim_train.csv", "1\ta\tb\r\n")
    with pytest.raises(ValueError, match="4 tab-separated columns"):
        atec(tmp_path)
