"""Typed settings: defaults < settings file < environment (``AGENT_ASSIST_<SECTION>__<KEY>``)."""

from __future__ import annotations

import tomllib
from contextvars import ContextVar
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError
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
    # A model name installed with `agent-assist models install`, or a path to a model folder.
    model: str = "vosk-model-small-cn-0.22"
    block_ms: int = Field(100, ge=20, le=500)


class RetrievalSettings(_Section):
    # A catalog name (`agent-assist models list`) or a path to a sentence-transformers folder.
    embedder: str = "use-multilingual-v3"
    pack: Path = Field(default_factory=paths.sample_pack_dir)
    index_root: Path = Field(default_factory=paths.default_index_root)
    top_k: int = Field(3, ge=1, le=10)
    # None: use the threshold calibrated for the embedder (see retrieval/embedder.py).
    min_score: float | None = Field(None, ge=0.0, le=1.0)
    debounce_ms: int = Field(250, ge=0, le=2000)
    threads: int = Field(1, ge=1, le=16)


class UiSettings(_Section):
    width_px: int = Field(440, ge=320, le=1200)
    always_on_top: bool = False


class Settings(BaseSettings):
    """All settings; read once by the entry point and handed down as sub-models."""

    model_config = SettingsConfigDict(
        env_prefix="AGENT_ASSIST_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    schema_version: int = 1
    asr: AsrSettings = AsrSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    ui: UiSettings = UiSettings()

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
