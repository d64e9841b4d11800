"""Typed settings in layers, each overriding the one before:

built-in defaults < the machine-wide file IT manages < the user's file < the environment
(``AGENT_ASSIST_<SECTION>__<KEY>``). The machine file may lock keys; a locked key keeps the
machine file's value (or the default) whatever the user's file or the environment say, and
each such attempt is reported. Unknown keys and bad values are errors naming the file (or
environment variable) and the key.
"""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from agent_assist import paths
from agent_assist.errors import AgentAssistError

logger = logging.getLogger(__name__)


ENV_PREFIX = "AGENT_ASSIST_"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AsrSettings(_Section):
    # "local": Vosk in this process; "remote": a vosk-server (pool) at remote_url.
    engine: Literal["local", "remote"] = "local"
    # A model name installed with `agent-assist models install`, or a path to a model folder.
    model: str = "vosk-model-small-cn-0.22"
    remote_url: str = "ws://127.0.0.1:2700"
    remote_token: SecretStr | None = None  # sent as a bearer token to a load balancer
    # Most audio handed to the recognizer at once, and audio time between partial results.
    block_ms: int = Field(400, ge=20, le=2000)
    partial_interval_ms: int = Field(100, ge=20, le=2000)
    # A pause this long after speech ends the utterance at once, before the recognizer's own
    # (slower) endpointing; 0 leaves it to the recognizer. Shorter splits more phrases.
    endpoint_silence_ms: int = Field(300, ge=0, le=5000)
    # Audio queued per side before a live source starts dropping audio (recognition stalled).
    max_backlog_s: float = Field(20.0, ge=1.0, le=600.0)
    # Normalise Chinese numbers to digits and correct near-miss pack terms in results.
    normalize_numbers: bool = True
    correct_pack_terms: bool = True


class AudioSettings(_Section):
    """Where a live call's audio comes from."""

    source: Literal["capture", "network"] = "capture"
    # Device names (or a unique part of one); None is the system default microphone and
    # the loopback (monitor) of the default speaker, where the softphone plays the customer.
    microphone: str | None = None
    loopback: str | None = None
    swap_channels: bool = False
    # A side quiet for this long shows a warning (wrong device, muted softphone).
    silence_warning_s: float = Field(20.0, ge=2.0, le=600.0)
    # Call timing: a side silent longer than this is a timing signal for guidance.
    long_silence_s: float = Field(8.0, ge=1.0, le=600.0)


class IngestSettings(_Section):
    """The websocket server a telephony platform streams calls into."""

    host: str = "127.0.0.1"  # loopback unless IT opens it deliberately
    port: int = Field(8765, ge=0, le=65535)
    path: str = "/call"
    token: SecretStr | None = None  # required: the server refuses to start without one
    max_frame_bytes: int = Field(65_536, ge=1024, le=16 * 1024 * 1024)


class RetrievalSettings(_Section):
    # A catalog name (`agent-assist models list`) or a path to a sentence-transformers folder.
    embedder: str = "use-multilingual-v3"
    pack: Path = Field(default_factory=paths.sample_pack_dir)
    # Team packs loaded after the base pack: an entry or script with the same id replaces
    # the base pack's. Folders or zips.
    team_packs: tuple[Path, ...] = ()
    # Seconds between checks for changed pack files (0: never reload while running).
    reload_check_s: float = Field(5.0, ge=0.0, le=3600.0)
    index_root: Path = Field(default_factory=paths.default_index_root)
    top_k: int = Field(3, ge=1, le=10)
    # None: use the threshold calibrated for the embedder (see retrieval/embedder.py).
    min_score: float | None = Field(None, ge=0.0, le=1.0)
    debounce_ms: int = Field(250, ge=0, le=2000)
    threads: int = Field(1, ge=1, le=16)


class GuidanceSettings(_Section):
    # Call type of the pack's guidance.yaml (service, collections …); "" = the pack's default.
    call_type: str = ""
    # The customer's time zone, for collections contact hours (IANA name).
    time_zone: str = "Asia/Shanghai"


class PrivacySettings(_Section):
    # The live transcript shows ID, card and phone numbers masked; stored text always is.
    mask_live_transcript: bool = True
    # Characters a masked number keeps at its end (尾号); codes are always masked whole.
    keep_last_digits: int = Field(4, ge=0, le=6)


class RecordSettings(_Section):
    # Keep a local record of every call (masked transcript, cards, alerts, summary).
    enabled: bool = True
    database: Path = Field(default_factory=lambda: paths.data_dir() / "calls.sqlite3")
    # Encrypt the stored call text with a key kept in the OS keyring (see record/store.py).
    encrypt: bool = False


class UiSettings(_Section):
    width_px: int = Field(440, ge=320, le=1200)
    always_on_top: bool = False
    # Interface language: "auto" follows the system locale (Chinese locales get zh_CN).
    language: Literal["auto", "zh_CN", "en"] = "auto"


class TeamSettings(_Section):
    """How a workstation tells its team lead which pack it runs (off unless configured)."""

    # A shared folder every workstation of the team can write; None: report nothing.
    status_dir: Path | None = None
    # How this workstation is named there; "" is the computer's name.
    agent_id: str = ""


class TrustSettings(_Section):
    """Which script packs this workstation loads; IT locks this section in the machine file."""

    # Team leads' public keys: "ed25519 <base64> <name>" lines or paths of .pub files. When
    # any is given, every pack must be signed by one of them (`agent-assist pack sign`).
    pack_keys: tuple[str, ...] = ()


class DistributionSettings(_Section):
    """Packs team leads publish, fetched by this workstation (none unless configured)."""

    # Shared-folder paths (a pack folder or zip) or https:// URLs of pack zips. Each is loaded
    # after the team packs, from a local copy replaced only by a newer version that is valid
    # (and signed, when [trust] pack_keys is set); it applies from the next call.
    sources: tuple[str, ...] = ()
    check_s: float = Field(300.0, ge=1.0, le=86400.0)
    # The CA certificate of a server with a company certificate (None: the system's CAs).
    ca_file: Path | None = None


class Settings(BaseSettings):
    """All settings; read once by the entry point and handed down as sub-models."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    schema_version: int = 1
    # Factories, not instances: folder defaults follow AGENT_ASSIST_HOME when settings load.
    asr: AsrSettings = Field(default_factory=AsrSettings)
    audio: AudioSettings = Field(default_factory=AudioSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    guidance: GuidanceSettings = Field(default_factory=GuidanceSettings)
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)
    record: RecordSettings = Field(default_factory=RecordSettings)
    ui: UiSettings = Field(default_factory=UiSettings)
    team: TeamSettings = Field(default_factory=TeamSettings)
    trust: TrustSettings = Field(default_factory=TrustSettings)
    distribution: DistributionSettings = Field(default_factory=DistributionSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Highest first; pydantic-settings merges the sections key by key.
        layers = _LAYERS.get()
        if layers is None:
            return (init_settings, env_settings)
        return (
            init_settings,
            _Layer(settings_cls, layers.locked_values),
            env_settings,
            _Layer(settings_cls, layers.user),
            _Layer(settings_cls, layers.machine),
        )


SECTIONS: dict[str, type[_Section]] = {
    name: field.annotation
    for name, field in Settings.model_fields.items()
    if isinstance(field.annotation, type) and issubclass(field.annotation, _Section)
}
# Environment variables of ours that are not settings.
_OTHER_VARIABLES = frozenset({"HOME", "CONFIG", "MODEL_DIR", "SHARED_ASSETS"})
LOCK_KEY = "locked"


@dataclass(frozen=True)
class SettingsLayers:
    """Settings with where they came from: what IT locked and what was overridden in vain."""

    settings: Settings
    machine_file: Path
    user_file: Path
    # "section.key" of every locked setting.
    locked: frozenset[str]
    # One line per locked key the user's file or the environment tried to change.
    ignored: tuple[str, ...]

    def is_locked(self, section: str, key: str) -> bool:
        return f"{section}.{key}" in self.locked


@dataclass(frozen=True)
class _FileLayers:
    machine: dict[str, Any]
    user: dict[str, Any]
    locked_values: dict[str, Any]


_LAYERS: ContextVar[_FileLayers | None] = ContextVar("settings_layers", default=None)


class _Layer(PydanticBaseSettingsSource):
    """Values already read from a file (checked by check_document)."""

    def __init__(self, settings_cls: type[BaseSettings], values: dict[str, Any]) -> None:
        super().__init__(settings_cls)
        self._values = values

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return self._values


def load_settings(file: Path | None = None, machine_file: Path | None = None) -> Settings:
    """The settings this workstation runs with; see ``load_layers``."""
    return load_layers(file, machine_file).settings


def load_layers(file: Path | None = None, machine_file: Path | None = None) -> SettingsLayers:
    """Read the machine file, the user's file and the environment; errors name the file and key.

    ``file`` defaults to ``paths.settings_file()``, ``machine_file`` to
    ``paths.machine_settings_file()``; a file that does not exist is an empty layer.
    """
    user_file = file or paths.settings_file()
    machine_file = machine_file or paths.machine_settings_file()
    machine = _read_file(machine_file)
    locked = _locked_keys(machine.pop(LOCK_KEY, []), machine_file)
    user = _read_file(user_file)
    if LOCK_KEY in user:
        raise AgentAssistError(
            f"{user_file}: '{LOCK_KEY}' belongs in the machine-wide file {machine_file}, "
            "which IT manages; a user's file cannot lock settings."
        )
    check_document(machine, machine_file)
    check_document(user, user_file)
    _check_environment()
    ignored = _ignored_overrides(locked, user, user_file)
    for line in ignored:
        logger.warning("%s: the machine-wide value is used", line)
    token = _LAYERS.set(_FileLayers(machine, user, _locked_values(locked, machine)))
    try:
        settings = Settings()
    except ValidationError as exc:
        raise AgentAssistError(f"Invalid environment variable: {_env_problems(exc)}") from exc
    except SettingsError as exc:  # a list setting whose value is not JSON
        raise AgentAssistError(
            f"Invalid environment variable {_unparsed_variable(exc)}: a list setting takes "
            'JSON, e.g. \'["first", "second"]\''
        ) from exc
    finally:
        _LAYERS.reset(token)
    return SettingsLayers(settings, machine_file, user_file, locked, ignored)


def _read_file(file: Path) -> dict[str, Any]:
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError as exc:
        raise AgentAssistError(f"Settings file {file} is not UTF-8 text: {exc}") from exc
    except OSError as exc:
        raise AgentAssistError(f"Cannot read the settings file {file}: {exc}") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AgentAssistError(f"Settings file {file} is not valid TOML: {exc}") from exc


def check_document(document: Mapping[str, Any], file: Path | str) -> None:
    """Every section and key known, every value valid, checked file by file to name it.

    A machine-wide file's ``locked`` list is checked by ``load_layers``, not here.
    """
    problems = []
    for name, value in document.items():
        if name == "schema_version":
            if type(value) is not int:
                problems.append(f"schema_version must be a whole number, not {value!r}")
            continue
        if name == LOCK_KEY:
            continue
        section = SECTIONS.get(name)
        if section is None:
            problems.append(f"unknown setting {name!r}" + _known(SECTIONS))
        elif not isinstance(value, dict):
            problems.append(f"{name} must be a table ([{name}]), not {type(value).__name__}")
        else:
            problems += _section_problems(name, section, value)
    if problems:
        raise AgentAssistError(f"Settings file {file}: " + "; ".join(problems))


def _section_problems(name: str, section: type[_Section], table: dict[str, Any]) -> list[str]:
    unknown = [key for key in table if key not in section.model_fields]
    if unknown:
        return [f"unknown key {name}.{key}" + _known(section.model_fields) for key in unknown]
    try:
        section.model_validate(table)
    except ValidationError as exc:
        return [_problems(exc, prefix=name)]
    return []


def _known(names: Iterable[str]) -> str:
    return f" (known: {', '.join(sorted(names))})"


def _problems(exc: ValidationError, prefix: str = "") -> str:
    def where(loc: tuple[Any, ...]) -> str:
        return ".".join(str(part) for part in (prefix, *loc) if part != "")

    return "; ".join(f"{where(err['loc'])}: {err['msg']}" for err in exc.errors())


def _env_problems(exc: ValidationError) -> str:
    def variable(loc: tuple[Any, ...]) -> str:
        return ENV_PREFIX + "__".join(str(part) for part in loc[:2]).upper()

    return "; ".join(
        f"{variable(err['loc'])} ({'.'.join(map(str, err['loc']))}): {err['msg']}"
        for err in exc.errors()
    )


def _unparsed_variable(exc: SettingsError) -> str:
    """pydantic-settings names only the section; the variable is the one under it set now."""
    section = str(exc).split('"')[1] if '"' in str(exc) else ""
    prefix = f"{ENV_PREFIX}{section}__".upper()
    names = [name for name in os.environ if name.upper().startswith(prefix)]
    return " or ".join(sorted(names)) or f"{ENV_PREFIX}{section.upper()}"


def _check_environment() -> None:
    """A misspelt ``AGENT_ASSIST_…`` variable is an error, not silently ignored."""
    for variable in os.environ:
        if not variable.upper().startswith(ENV_PREFIX):
            continue
        name = variable[len(ENV_PREFIX) :].lower()
        if name.upper() in _OTHER_VARIABLES or name == "schema_version":
            continue
        section, _, key = name.partition("__")
        if section not in SECTIONS or (key and key not in SECTIONS[section].model_fields):
            raise AgentAssistError(
                f"Environment variable {variable} names no setting; settings are "
                f"{ENV_PREFIX}<SECTION>__<KEY>, e.g. {ENV_PREFIX}ASR__MODEL."
            )


def _locked_keys(entries: object, file: Path) -> frozenset[str]:
    """``locked = ["ingest.host", "privacy"]``: a section name locks each of its keys."""
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        raise AgentAssistError(f"Settings file {file}: '{LOCK_KEY}' must be a list of keys")
    locked = set()
    for entry in entries:
        section, _, key = entry.partition(".")
        fields = SECTIONS[section].model_fields if section in SECTIONS else {}
        if not fields or (key and key not in fields):
            raise AgentAssistError(f"Settings file {file}: {LOCK_KEY} names no setting: {entry}")
        locked |= {f"{section}.{key}"} if key else {f"{section}.{k}" for k in fields}
    return frozenset(locked)


def _locked_values(locked: frozenset[str], machine: Mapping[str, Any]) -> dict[str, Any]:
    """The machine file's value of each locked key, or the built-in default."""
    values: dict[str, dict[str, Any]] = {}
    for dotted in locked:
        section, key = dotted.split(".")
        table = machine.get(section, {})
        value = table[key] if key in table else getattr(SECTIONS[section](), key)
        values.setdefault(section, {})[key] = value
    return values


def _ignored_overrides(
    locked: frozenset[str], user: Mapping[str, Any], user_file: Path
) -> tuple[str, ...]:
    ignored = []
    for dotted in sorted(locked):
        section, key = dotted.split(".")
        if key in user.get(section, {}):
            ignored.append(f"{user_file} sets {dotted}, which IT has locked")
        variable = f"{ENV_PREFIX}{section}__{key}".upper()
        if any(name.upper() == variable for name in os.environ):
            ignored.append(f"environment variable {variable} sets {dotted}, which IT has locked")
    return tuple(ignored)
