"""Team-lead pack tools: zip packs, JSON Schema, spreadsheet import, diff and warnings."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from agent_assist.errors import PackValidationError
from agent_assist.retrieval.pack import json_schemas, load_pack
from agent_assist.retrieval.pack_diff import diff_packs
from agent_assist.retrieval.pack_import import import_faq, write_knowledge
from agent_assist.retrieval.pack_lint import lint_pack
from tests.conftest import REPO, SAMPLE_PACK


def _copy_pack(tmp_path: Path, name: str = "pack") -> Path:
    return Path(shutil.copytree(SAMPLE_PACK, tmp_path / name))


def test_a_zipped_pack_loads_like_its_folder(tmp_path: Path) -> None:
    archive = tmp_path / "pack.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in SAMPLE_PACK.glob("*.yaml"):
            zf.write(file, f"sample/{file.name}")  # packs zipped with their folder
    zipped, folder = load_pack(archive), load_pack(SAMPLE_PACK)
    assert zipped.entries == folder.entries
    assert zipped.file_sha256 == folder.file_sha256


def test_errors_in_a_zipped_pack_name_the_member_and_line(tmp_path: Path) -> None:
    pack = _copy_pack(tmp_path)
    text = (pack / "knowledge.yaml").read_text(encoding="utf-8")
    (pack / "knowledge.yaml").write_text(text.replace("topic: refund", "topic: refnud", 1))
    archive = tmp_path / "bad.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in pack.glob("*.yaml"):
            zf.write(file, file.name)
    with pytest.raises(PackValidationError) as info:
        load_pack(archive)
    assert any(
        p.startswith(f"{archive}!knowledge.yaml:") and "topic" in p for p in info.value.problems
    )


def test_dates_out_of_order_are_an_error_with_the_line(tmp_path: Path) -> None:
    pack = _copy_pack(tmp_path)
    text = (pack / "knowledge.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "    topic: repayment_early\n",
        "    topic: repayment_early\n    valid_from: 2027-01-01\n    valid_until: 2026-01-01\n",
        1,
    )
    (pack / "knowledge.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(PackValidationError) as info:
        load_pack(pack)
    assert any(":7: entries.0: " in p and "valid_from" in p for p in info.value.problems), (
        info.value.problems
    )


def test_committed_json_schemas_are_up_to_date() -> None:
    """docs/schema is what editors validate against: regenerate with `agent-assist pack schema`."""
    for name, schema in json_schemas().items():
        committed = json.loads((REPO / "docs" / "schema" / name).read_text(encoding="utf-8"))
        assert committed == schema, f"docs/schema/{name} is stale"


def test_schema_knows_the_topics_and_rejects_unknown_fields() -> None:
    entry = json_schemas()["knowledge.schema.json"]["$defs"]["KnowledgeEntry"]
    assert "credit_report" in entry["properties"]["topic"]["enum"]
    assert entry["additionalProperties"] is False


def test_csv_import_splits_questions_and_maps_chinese_topic_labels(tmp_path: Path) -> None:
    faq = tmp_path / "faq.csv"
    faq.write_text(
        "\ufeff主题,问题,问题2,答案,生效日期\n"
        '征信,"征信能查吗|征信报告在哪看",怎么查征信,可在征信中心查询,2026-01-01\n'
        "refund,How do I get a refund,,Back to the card in 7 days,\n",
        encoding="utf-8",
    )
    first, second = import_faq(faq)
    assert first.topic == "credit_report"
    assert first.questions == ("征信能查吗", "征信报告在哪看", "怎么查征信")
    assert first.valid_from == dt.date(2026, 1, 1)
    assert second.language == "en"
    write_knowledge([first, second], tmp_path / "knowledge.yaml")
    assert "征信报告在哪看" in (tmp_path / "knowledge.yaml").read_text(encoding="utf-8")


def test_xlsx_import_reports_every_bad_cell_with_row_and_column(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["topic", "question", "answer", "id"])
    sheet.append(["refund", "退款多久到账", "一般原路退回", "rf-1"])
    sheet.append(["refnud", "退款", "原路退回", "rf-2"])
    sheet.append(["refund", "", "", "rf-3"])
    sheet.append(["refund", "又一个", "答案", "rf-1"])
    book.save(tmp_path / "faq.xlsx")
    with pytest.raises(PackValidationError) as info:
        import_faq(tmp_path / "faq.xlsx")
    problems = info.value.problems
    assert any("row 3, column 'topic'" in p and "refnud" in p for p in problems)
    assert any("row 4, column 'question'" in p for p in problems)
    assert any("row 4, column 'answer'" in p for p in problems)
    assert any("row 5, column 'id'" in p and "duplicate" in p for p in problems)


def test_a_spreadsheet_without_required_columns_says_which(tmp_path: Path) -> None:
    faq = tmp_path / "faq.csv"
    faq.write_text("question,answer\nq,a\n", encoding="utf-8")
    with pytest.raises(PackValidationError, match="missing a 'topic' column"):
        import_faq(faq)


def test_diff_lists_added_removed_and_changed_fields(tmp_path: Path) -> None:
    new = _copy_pack(tmp_path, "new")
    knowledge = (new / "knowledge.yaml").read_text(encoding="utf-8")
    old_pack = load_pack(SAMPLE_PACK)
    first, second = old_pack.entries[0], old_pack.entries[1]
    knowledge = knowledge.replace(f"id: {second.id}\n", f"id: {second.id}-renamed\n")
    knowledge = knowledge.replace(first.title, first.title + "（新）", 1)
    (new / "knowledge.yaml").write_text(knowledge, encoding="utf-8")
    lines = diff_packs(old_pack, load_pack(new)).lines()
    assert f"~ entry {first.id} (title)" in lines
    assert f"- entry {second.id}" in lines
    assert f"+ entry {second.id}-renamed" in lines
    assert diff_packs(old_pack, old_pack).is_empty


def test_lint_warns_about_expired_entries_and_shared_question_text(tmp_path: Path) -> None:
    pack = _copy_pack(tmp_path)
    loaded = load_pack(pack)
    first, second = loaded.entries[0], loaded.entries[1]
    text = (pack / "knowledge.yaml").read_text(encoding="utf-8")
    text = text.replace(f"id: {first.id}\n", f"id: {first.id}\n    valid_until: 2020-01-01\n", 1)
    text = text.replace(
        f"      - {second.questions[0]}\n",
        f"      - {second.questions[0]}\n      - {first.questions[0]}！\n",
        1,
    )
    (pack / "knowledge.yaml").write_text(text, encoding="utf-8")
    warnings = [str(w) for w in lint_pack(load_pack(pack), today=dt.date(2026, 11, 23))]
    assert any(w.startswith(first.id) and "expired" in w for w in warnings)
    assert any(w.startswith(second.id) and f"also a question of {first.id}" in w for w in warnings)
