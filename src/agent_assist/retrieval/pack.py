"""Script packs: a folder of YAML files (manifest, knowledge entries, scripts), validated."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from agent_assist.errors import PackValidationError

# Every entry and script carries one of these topics; the value is the label agents see.
TOPICS: dict[str, str] = {
    "repayment_early": "提前还款",
    "repayment_failed": "还款未入账",
    "overdue_fees": "逾期费用",
    "credit_report": "征信",
    "credit_limit": "额度",
    "interest_rate": "利率",
    "installment_plan": "分期",
    "bill_inquiry": "账单",
    "refund": "退款",
    "account_security": "账户安全",
    "fraud_scam": "防诈骗",
    "hardship": "还款困难",
    "account_closure": "注销",
    "complaint": "投诉",
    "identity_verification": "身份核实",
    "promotion": "优惠活动",
    "loan_application": "借款申请",
    "contact_update": "信息变更",
}

MANIFEST_FILE = "manifest.yaml"
KNOWLEDGE_FILE = "knowledge.yaml"
SCRIPTS_FILE = "scripts.yaml"
PACK_FILES = (MANIFEST_FILE, KNOWLEDGE_FILE, SCRIPTS_FILE)

Language = Literal["zh", "en"]
Stage = Literal[
    "opening", "verification", "explanation", "collections", "empathy", "escalation", "closing"
]


class _PackModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class _Topical(_PackModel):
    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    topic: str
    language: Language = "zh"
    title: str = Field(min_length=1)

    @field_validator("topic")
    @classmethod
    def _known_topic(cls, value: str) -> str:
        if value not in TOPICS:
            raise ValueError(f"unknown topic {value!r}; use one of: {', '.join(TOPICS)}")
        return value


class KnowledgeEntry(_Topical):
    """An answer to a customer question, with the ways customers ask it."""

    questions: tuple[str, ...] = Field(min_length=1)
    answer: str = Field(min_length=1)


class Script(_Topical):
    """Compliant wording for the agent to say at a call stage."""

    stage: Stage
    when: str = ""
    text: str = Field(min_length=1)


class PackManifest(_PackModel):
    """Who owns a pack and which version it is."""

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    languages: tuple[Language, ...] = Field(min_length=1)
    description: str = ""
    # Domain terms (product names, 征信, 分期 …) that speech recognition should get right:
    # near-miss transcriptions are corrected to them by pinyin similarity.
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScriptPack:
    """A validated pack, with the sha256 of each source file (recorded in built indexes)."""

    path: Path
    manifest: PackManifest
    entries: tuple[KnowledgeEntry, ...]
    scripts: tuple[Script, ...]
    file_sha256: dict[str, str]


def load_pack(path: Path) -> ScriptPack:
    """Load a pack folder; raise ``PackValidationError`` listing every problem at once."""
    problems: list[str] = []
    manifest_docs = _parse_list(path / MANIFEST_FILE, None, PackManifest, problems)
    entries = _parse_list(path / KNOWLEDGE_FILE, "entries", KnowledgeEntry, problems)
    scripts = _parse_list(path / SCRIPTS_FILE, "scripts", Script, problems)
    _check_unique_ids(path, entries, scripts, problems)
    if problems:
        raise PackValidationError(problems)
    return ScriptPack(
        path=path,
        manifest=manifest_docs[0][0],
        entries=tuple(e for e, _ in entries),
        scripts=tuple(s for s, _ in scripts),
        file_sha256={
            name: hashlib.sha256((path / name).read_bytes()).hexdigest() for name in PACK_FILES
        },
    )


M = TypeVar("M", bound=_PackModel)


def _parse_list(
    file: Path, key: str | None, model: type[M], problems: list[str]
) -> list[tuple[M, int]]:
    """Validate each item of ``file[key]`` (or the whole file when key is None)."""
    try:
        text = file.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except FileNotFoundError:
        problems.append(f"{file}: file is missing")
        return []
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{file}: cannot read: {exc}")
        return []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problems.append(f"{file}{line}: not valid YAML: {getattr(exc, 'problem', exc)}")
        return []
    if key is None:
        items, prefix = [data], []
    elif not isinstance(data, dict) or not isinstance(data.get(key), list):
        problems.append(f"{file}:1: {key}: expected a top-level `{key}:` list")
        return []
    else:
        items, prefix = data[key], [key]
    parsed: list[tuple[M, int]] = []
    for i, item in enumerate(items):
        where: list[Any] = [*prefix, i] if key else []
        try:
            parsed.append((model.model_validate(item), _line_at(root, where)))
        except ValidationError as exc:
            for err in exc.errors():
                loc = [*where, *err["loc"]]
                field = ".".join(str(p) for p in loc) or "(document)"
                problems.append(f"{file}:{_line_at(root, loc)}: {field}: {err['msg']}")
    return parsed


def _line_at(node: yaml.Node | None, loc: Sequence[Any]) -> int:
    """1-based line of the deepest YAML node on ``loc`` that exists."""
    if node is None:
        return 1
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if part < len(node.value) else None
        if child is None:
            break
        node = child
    return node.start_mark.line + 1


def _check_unique_ids(
    path: Path,
    entries: list[tuple[KnowledgeEntry, int]],
    scripts: list[tuple[Script, int]],
    problems: list[str],
) -> None:
    seen: dict[str, str] = {}
    located = [(e.id, KNOWLEDGE_FILE, line) for e, line in entries]
    located += [(s.id, SCRIPTS_FILE, line) for s, line in scripts]
    for item_id, file, line in located:
        here = f"{path / file}:{line}"
        if item_id in seen:
            problems.append(f"{here}: id: duplicate id {item_id!r} (first at {seen[item_id]})")
        else:
            seen[item_id] = here
