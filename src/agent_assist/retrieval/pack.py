"""Script packs: a folder (or a zip of one) of YAML files: manifest, knowledge, scripts."""

from __future__ import annotations

import datetime as dt
import hashlib
import lzma
import stat
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from agent_assist.errors import PackValidationError
from agent_assist.guidance.rules import (
    GUIDANCE_EXAMPLES_FILE,
    GUIDANCE_FILE,
    GuidanceExamples,
    GuidanceRules,
    merge_guidance,
    with_examples,
)
from agent_assist.retrieval.pack_yaml import line_at, parse_yaml

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
# Optional: live guidance rules and their phrasings. Not part of what the index is built from.
OPTIONAL_FILES = (GUIDANCE_FILE, GUIDANCE_EXAMPLES_FILE)
# A team lead's signature of the files above (retrieval/pack_signing.py).
SIGNATURE_FILE = "signature.json"
# Every file that travels with a pack: copied, bundled, watched.
DISTRIBUTED_FILES = (*PACK_FILES, *OPTIONAL_FILES, SIGNATURE_FILE)

Language = Literal["zh", "en"]
Stage = Literal[
    "opening", "verification", "explanation", "collections", "empathy", "escalation", "closing"
]


class _PackModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class _Topical(_PackModel):
    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    topic: str = Field(json_schema_extra={"enum": list(TOPICS)})
    language: Language = "zh"
    title: str = Field(min_length=1)

    @field_validator("topic")
    @classmethod
    def _known_topic(cls, value: str) -> str:
        if value not in TOPICS:
            raise ValueError(f"unknown topic {value!r}; use one of: {', '.join(TOPICS)}")
        return value


class Link(_PackModel):
    """Where the agent can read more (the lender's policy page, an internal wiki)."""

    title: str = Field(min_length=1)
    url: str = Field(pattern=r"^(https?|file)://\S+$")


class KnowledgeEntry(_Topical):
    """An answer to a customer question, with the ways customers ask it.

    ``valid_from`` / ``valid_until`` (inclusive dates) limit when the answer may be shown,
    e.g. a promotion or a fee rule that changes on a known day.
    """

    questions: tuple[str, ...] = Field(min_length=1)
    answer: str = Field(min_length=1)
    links: tuple[Link, ...] = ()
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> KnowledgeEntry:
        if self.valid_from and self.valid_until and self.valid_from > self.valid_until:
            raise ValueError("valid_from is after valid_until")
        return self

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


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


class KnowledgeFile(_PackModel):
    """The whole of knowledge.yaml (for the JSON Schema editors validate against)."""

    entries: tuple[KnowledgeEntry, ...]


class ScriptsFile(_PackModel):
    """The whole of scripts.yaml."""

    scripts: tuple[Script, ...]


def json_schemas() -> dict[str, dict[str, Any]]:
    """JSON Schemas of the three pack files, keyed by the schema file name."""
    models: dict[str, type[BaseModel]] = {
        "manifest.schema.json": PackManifest,
        "knowledge.schema.json": KnowledgeFile,
        "scripts.schema.json": ScriptsFile,
        "guidance.schema.json": GuidanceRules,
        "guidance_examples.schema.json": GuidanceExamples,
    }
    schemas = {}
    for name, model in models.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://agent-assist.invalid/schema/{name}"
        schemas[name] = schema
    return schemas


@dataclass(frozen=True)
class ScriptPack:
    """A validated pack, with the sha256 of each source file (recorded in built indexes)."""

    path: Path
    manifest: PackManifest
    entries: tuple[KnowledgeEntry, ...]
    scripts: tuple[Script, ...]
    file_sha256: dict[str, str]
    guidance: GuidanceRules = field(default_factory=GuidanceRules)


class UnreadablePackFileError(Exception):
    """A pack file exists but cannot be read; ``str()`` says why."""


# What zipfile raises for damaged data, a name that is not UTF-8, a newer zip version, an
# unknown compression method or encryption.
_ZIP_ERRORS = (
    OSError,
    EOFError,
    ValueError,
    RuntimeError,
    NotImplementedError,
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
)
# Far above any real pack file (10,000 entries take 10 MiB), far below a zip bomb.
MAX_PACK_FILE_BYTES = 64 * 2**20


class PackFiles:
    """A pack's files (``names``), from a folder or a zip (at its root or in one folder)."""

    def __init__(self, path: Path, names: tuple[str, ...] = (*PACK_FILES, *OPTIONAL_FILES)) -> None:
        self.path = path
        self._zip_names: dict[str, str] | None = None
        if path.is_file():
            self._zip_names = self._zip_members(path, names)
        elif not path.is_dir():
            raise PackValidationError([f"{path}: no such pack folder or zip"])

    @staticmethod
    def _zip_members(path: Path, wanted: tuple[str, ...]) -> dict[str, str]:
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except _ZIP_ERRORS as exc:
            raise PackValidationError([f"{path}: not a readable zip: {exc}"]) from exc
        members = {}
        for name in names:
            pure = PurePosixPath(name)
            if pure.name in wanted and len(pure.parts) <= 2:
                members.setdefault(pure.name, name)
        return members

    def member(self, name: str) -> str:
        """Where ``name`` is inside the zip (or the folder): ``pack/manifest.yaml`` …"""
        return name if self._zip_names is None else self._zip_names.get(name, name)

    def label(self, name: str) -> str:
        if self._zip_names is None:
            return str(self.path / name)
        return f"{self.path}!{self.member(name)}"

    def has(self, name: str) -> bool:
        if self._zip_names is None:
            return (self.path / name).is_file()
        return name in self._zip_names

    def read_bytes(self, name: str) -> bytes:
        """The file's bytes; raises ``FileNotFoundError`` or ``UnreadablePackFileError``."""
        if self._zip_names is None:
            return _read_regular_file(self.path / name)
        if name not in self._zip_names:
            raise FileNotFoundError(name)
        try:
            with zipfile.ZipFile(self.path) as archive:
                member = archive.getinfo(self._zip_names[name])
                # The declared size bounds what read() inflates, so a zip bomb stops here.
                _check_size(member.file_size)
                return archive.read(member)
        except _ZIP_ERRORS as exc:
            raise UnreadablePackFileError(f"cannot read: {exc}") from exc


def _read_regular_file(path: Path) -> bytes:
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):  # reading a FIFO would block forever
        raise UnreadablePackFileError("cannot read: not a regular file")
    _check_size(info.st_size)
    return path.read_bytes()


def _check_size(size: int) -> None:
    if size > MAX_PACK_FILE_BYTES:
        raise UnreadablePackFileError(f"file is larger than {MAX_PACK_FILE_BYTES // 2**20} MiB")


def load_pack(path: Path) -> ScriptPack:
    """Load a pack folder or zip; raise ``PackValidationError`` listing every problem."""
    files = PackFiles(path)
    problems: list[str] = []
    manifest_docs = _parse_list(files, MANIFEST_FILE, None, PackManifest, problems)
    entries = _parse_list(files, KNOWLEDGE_FILE, "entries", KnowledgeEntry, problems)
    scripts = _parse_list(files, SCRIPTS_FILE, "scripts", Script, problems)
    _check_unique_ids(files, entries, scripts, problems)
    guidance = GuidanceRules()
    if files.has(GUIDANCE_FILE):
        parsed = _parse_list(files, GUIDANCE_FILE, None, GuidanceRules, problems)
        guidance = parsed[0][0] if parsed else guidance
    if files.has(GUIDANCE_EXAMPLES_FILE):
        extra = _parse_list(files, GUIDANCE_EXAMPLES_FILE, None, GuidanceExamples, problems)
        try:
            guidance = with_examples(guidance, extra[0][0]) if extra else guidance
        except ValueError as exc:
            problems.append(f"{files.label(GUIDANCE_EXAMPLES_FILE)}: {exc}")
    if problems:
        raise PackValidationError(problems)
    return ScriptPack(
        path=path,
        manifest=manifest_docs[0][0],
        entries=tuple(e for e, _ in entries),
        scripts=tuple(s for s, _ in scripts),
        file_sha256={
            name: hashlib.sha256(files.read_bytes(name)).hexdigest() for name in PACK_FILES
        },
        guidance=guidance,
    )


M = TypeVar("M", bound=_PackModel)


def _parse_list(
    files: PackFiles, name: str, key: str | None, model: type[M], problems: list[str]
) -> list[tuple[M, int]]:
    """Validate each item of ``name[key]`` (or the whole file when key is None)."""
    file = files.label(name)
    try:
        root, data = parse_yaml(files.read_bytes(name).decode("utf-8"))
    except FileNotFoundError:
        problems.append(f"{file}: file is missing")
        return []
    except UnreadablePackFileError as exc:
        problems.append(f"{file}: {exc}")
        return []
    except OSError as exc:
        problems.append(f"{file}: cannot read: {exc}")
        return []
    except UnicodeDecodeError as exc:
        problems.append(f"{file}: not UTF-8 text (byte {exc.start}); save it as UTF-8")
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
            parsed.append((model.model_validate(item), line_at(root, where)))
        except ValidationError as exc:
            for err in exc.errors():
                loc = [*where, *err["loc"]]
                field = ".".join(str(p) for p in loc) or "(document)"
                problems.append(f"{file}:{line_at(root, loc)}: {field}: {err['msg']}")
    return parsed


def _check_unique_ids(
    files: PackFiles,
    entries: list[tuple[KnowledgeEntry, int]],
    scripts: list[tuple[Script, int]],
    problems: list[str],
) -> None:
    seen: dict[str, str] = {}
    located = [(e.id, KNOWLEDGE_FILE, line) for e, line in entries]
    located += [(s.id, SCRIPTS_FILE, line) for s, line in scripts]
    for item_id, file, line in located:
        here = f"{files.label(file)}:{line}"
        if item_id in seen:
            problems.append(f"{here}: id: duplicate id {item_id!r} (first at {seen[item_id]})")
        else:
            seen[item_id] = here


def merge_packs(packs: Sequence[ScriptPack]) -> ScriptPack:
    """A base pack followed by team packs: a later pack's entry or script replaces the earlier
    one with the same id; everything else is kept, in load order."""
    if len(packs) == 1:
        return packs[0]
    entries: dict[str, KnowledgeEntry] = {}
    scripts: dict[str, Script] = {}
    for pack in packs:
        entries.update((e.id, e) for e in pack.entries)
        scripts.update((s.id, s) for s in pack.scripts)
    manifests = [p.manifest for p in packs]
    # Constructed, not validated: "+" joins ids that were each validated on their own.
    manifest = PackManifest.model_construct(
        id="+".join(m.id for m in manifests),
        version="+".join(m.version for m in manifests),
        title=" + ".join(m.title for m in manifests),
        owner=", ".join(dict.fromkeys(m.owner for m in manifests)),
        languages=tuple(dict.fromkeys(lang for m in manifests for lang in m.languages)),
        terms=tuple(dict.fromkeys(t for m in manifests for t in m.terms)),
        description="",
    )
    return ScriptPack(
        path=packs[0].path,
        manifest=manifest,
        entries=tuple(entries.values()),
        scripts=tuple(scripts.values()),
        file_sha256={
            f"{p.manifest.id}/{name}": sha for p in packs for name, sha in p.file_sha256.items()
        },
        guidance=merge_guidance([p.guidance for p in packs]),
    )
