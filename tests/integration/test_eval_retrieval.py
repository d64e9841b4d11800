"""`agent-assist eval retrieval` on a small slice (the full run: README, one command)."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from agent_assist import cli
from tests.conftest import SAMPLE_PACK

pytestmark = pytest.mark.slow


def test_eval_retrieval_reports_every_method_with_intervals(
    tmp_path: Path, use_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENT_ASSIST_RETRIEVAL__EMBEDDER", str(use_model_dir))
    monkeypatch.setenv("AGENT_ASSIST_RETRIEVAL__PACK", str(SAMPLE_PACK))
    monkeypatch.setenv("AGENT_ASSIST_RETRIEVAL__INDEX_ROOT", str(tmp_path / "index"))
    report_file = tmp_path / "report.json"
    out = io.StringIO()
    argv = ["eval", "retrieval", "--sets", "sample-pack,banking77,bq", "--max-queries", "300"]
    with redirect_stdout(out):
        assert cli.main([*argv, "--json", str(report_file)]) == 0
    report = {row["set"]: row for row in json.loads(report_file.read_text(encoding="utf-8"))}
    assert set(report) == {"sample-pack", "banking77", "bq"}
    for row in report.values():
        assert set(row["methods"]) == {"dense", "lexical", "fused"}
        for method in row["methods"].values():
            for metric in method.values():
                assert 0 <= metric["low"] <= metric["value"] <= metric["high"] <= 1
    assert report["banking77"]["queries"] == 300
    assert report["sample-pack"]["queries"] >= 150
    # Dense must stay well ahead of chance and fusion must not lose to it (measured on the
    # full sets: +0.014 banking77, +0.007 BQ, a tie on the sample pack).
    banking = report["banking77"]["methods"]
    assert banking["dense"]["recall_at_1"]["value"] > 0.5
    assert (
        banking["fused"]["recall_at_1"]["value"] >= banking["dense"]["recall_at_1"]["value"] - 0.02
    )
    assert "fused" in out.getvalue() and "paired bootstrap" in out.getvalue()
    no_answer = report["sample-pack"]["no_answer"]
    assert no_answer["right"] + no_answer["wrong"] + no_answer["silent"] == no_answer["in_scope"]
    assert no_answer["out_of_scope_rejected"] / no_answer["out_of_scope"] >= 0.75
