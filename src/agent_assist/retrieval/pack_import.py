"""Turn a team lead's FAQ spreadsheet (CSV or XLSX) into a pack's knowledge.yaml.

One row per entry. Columns, by header (English or Chinese; case and spaces ignored):
``topic``/主题 (a topic key or its Chinese label) and ``answer``/答案 are required;
``question``/问题 (several questions in one cell split on new lines or ``|``, and any further
``question2``, ``问题2`` … columns), ``id``, ``title``/标题, ``language``/语言,
``valid_from``/生效日期, ``valid_until``/失效日期 and ``link``/链接 are optional.
Every problem is reported at once, with the row and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from agent_assist.errors import PackValidationError
from agent_assist.retrieval.pack import TOPICS, KnowledgeEntry

_HEADERS = {
    "id": "id",
    "编号": "id",
    "topic": "topic",
    "主题": "topic",
    "分类": "topic",
    "title": "title",
    "标题": "title",
    "question": "question",
    "questions": "question",
    "问题": "question",
    "问法": "question",
    "answer": "answer",
    "答案": "answer",
    "回答": "answer",
    "language": "language",
    "语言": "language",
    "valid_from": "valid_from",
    "生效日期": "valid_from",
    "valid_until": "valid_until",
    "失效日期": "valid_until",
    "link": "link",
    "链接": "link",
}
_TOPIC_BY_LABEL = {label: key for key, label in TOPICS.items()}
_SPLIT_QUESTIONS = re.compile(r"[\n|｜]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def import_faq(path: Path) -> list[KnowledgeEntry]:
    """Entries from a spreadsheet; raises ``PackValidationError`` listing every bad cell."""
    rows = list(_read_rows(path))
    if not rows:
        raise PackValidationError([f"{path}: no rows"])
    header, body = rows[0], rows[1:]
    columns = _columns(path, header)
    problems: list[str] = []
    entries: list[KnowledgeEntry] = []
    seen_ids: dict[str, int] = {}
    for row_number, row in enumerate(body, start=2):
        if not any(str(cell).strip() for cell in row):
            continue
        entry = _entry(path, row_number, row, columns, header, problems)
        if entry is None:
            continue
        if entry.id in seen_ids:
            problems.append(
                f"{path}: row {row_number}, column 'id': duplicate id {entry.id!r} "
                f"(first on row {seen_ids[entry.id]})"
            )
            continue
        seen_ids[entry.id] = row_number
        entries.append(entry)
    if problems:
        raise PackValidationError(problems)
    return entries


def write_knowledge(entries: list[KnowledgeEntry], out: Path) -> None:
    """Write ``knowledge.yaml`` as team leads edit it (UTF-8, Chinese as is)."""
    data = {"entries": [_as_yaml(entry) for entry in entries]}
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    out.write_text(text, encoding="utf-8")


def _as_yaml(entry: KnowledgeEntry) -> dict[str, Any]:
    data = entry.model_dump(mode="json", exclude_defaults=True)
    data["questions"] = list(entry.questions)
    return {key: data[key] for key in KnowledgeEntry.model_fields if key in data}


def _read_rows(path: Path) -> Iterator[list[Any]]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as handle:
                yield from csv.reader(handle)
        elif suffix in (".xlsx", ".xlsm"):
            yield from _xlsx_rows(path)
        else:
            raise PackValidationError([f"{path}: import takes a .csv or .xlsx file"])
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise PackValidationError([f"{path}: cannot read: {exc}"]) from exc


def _xlsx_rows(path: Path) -> Iterator[list[Any]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise PackValidationError([f"{path}: not a readable XLSX workbook: {exc}"]) from exc
    try:
        for row in book.worksheets[0].iter_rows(values_only=True):
            yield ["" if cell is None else cell for cell in row]
    finally:
        book.close()


def _columns(path: Path, header: list[Any]) -> dict[str, list[int]]:
    columns: dict[str, list[int]] = {}
    for index, name in enumerate(header):
        key = re.sub(r"[\s_]*\d*$", "", str(name).strip().lower()).replace(" ", "_")
        field = _HEADERS.get(key)
        if field is not None:
            columns.setdefault(field, []).append(index)
    problems = [
        f"{path}: row 1: missing a '{needed}' column"
        for needed in ("topic", "answer", "question")
        if needed not in columns
    ]
    if problems:
        raise PackValidationError(problems)
    return columns


def _entry(
    path: Path,
    row_number: int,
    row: list[Any],
    columns: dict[str, list[int]],
    header: list[Any],
    problems: list[str],
) -> KnowledgeEntry | None:
    def cell(field: str) -> str:
        index = columns.get(field, [None])[0]
        return _text(row[index]) if index is not None and index < len(row) else ""

    questions = [
        q.strip()
        for index in columns["question"]
        if index < len(row)
        for q in _SPLIT_QUESTIONS.split(_text(row[index]))
        if q.strip()
    ]
    topic = cell("topic")
    topic = _TOPIC_BY_LABEL.get(topic, topic)
    answer = cell("answer")
    data: dict[str, Any] = {
        "id": cell("id") or f"{topic.replace('_', '-')}-row{row_number}",
        "topic": topic,
        "title": cell("title") or (questions[0] if questions else ""),
        "language": cell("language") or ("zh" if _CJK.search(" ".join(questions)) else "en"),
        "questions": questions,
        "answer": answer,
    }
    for field in ("valid_from", "valid_until"):
        if cell(field):
            data[field] = cell(field)[:10]
    if cell("link"):
        data["links"] = [{"title": "链接", "url": cell("link")}]
    try:
        return KnowledgeEntry.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "(row)"
            column = _column_name(field, columns, header)
            problems.append(f"{path}: row {row_number}, column {column!r}: {err['msg']}")
        return None


def _column_name(field: str, columns: dict[str, list[int]], header: list[Any]) -> str:
    source = {"questions": "question", "links": "link"}.get(field, field)
    index = columns.get(source, [None])[0]
    return str(header[index]) if index is not None else field


def _text(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()
