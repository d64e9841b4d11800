"""Typed settings: defaults < settings file < environment (``AGENT_ASSIST_<SECTION>__<KEY>``)."""

from __future__ import annotations

import tomllib
from contextvars import ContextVar
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from agent_assist import paths
from agent_assist.errors import AgentAssistError


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


class Settings(BaseSettings):
    """All settings; read once by the entry point and handed down as sub-models."""

    model_config = SettingsConfigDict(
        env_prefix="AGENT_ASSIST_",
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

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Precedence, highest first: explicit arguments, environment, the settings file.
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, _FILE.get()))


_FILE: ContextVar[Path | None] = ContextVar("settings_file", default=None)


def load_settings(file: Path | None = None) -> Settings:
    """Read the settings file (if any) and the environment; errors name the file and key."""
    file = file or paths.settings_file()
    token = _FILE.set(file if file.is_file() else None)
    try:
        return Settings()
    except tomllib.TOMLDecodeError as exc:
        raise AgentAssistError(f"Settings file {file} is not valid TOML: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise AgentAssistError(
            f"Invalid settings (file {file} or environment): {problems}"
        ) from exc
    finally:
        _FILE.reset(token)
