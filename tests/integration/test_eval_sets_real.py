"""The three benchmarks build from the real files in ../shared/assets/eval."""

from __future__ import annotations

import pytest

from agent_assist.retrieval.eval_sets import load_eval_set
from tests.conftest import shared_asset


@pytest.mark.parametrize("name", ["banking77", "bq", "atec"])
def test_real_eval_set_is_well_formed(name: str) -> None:
    eval_set = load_eval_set(name, shared_asset("eval"))
    assert eval_set.documents
    assert eval_set.queries
    assert str(len(eval_set.documents)) in eval_set.description
    text_of = {document.id: document.text for document in eval_set.documents}
    assert len(text_of) == len(eval_set.documents), "document ids must be unique"
    assert len(set(text_of.values())) == len(text_of), "document texts must be unique"
    for query in eval_set.queries:
        assert query.relevant, query
        assert query.relevant <= text_of.keys(), query
        assert all(text_of[doc_id] != query.text for doc_id in query.relevant), query
