from pathlib import Path

import pytest

from agent_assist.config import load_settings
from agent_assist.errors import AgentAssistError


def test_defaults_point_at_the_sample_pack_and_default_models() -> None:
    settings = load_settings(Path("/nonexistent.toml"))
    assert settings.retrieval.pack.name == "sample_pack"
    assert settings.retrieval.embedder == "use-multilingual-v3"
    assert settings.asr.model == "vosk-model-small-cn-0.22"


def test_file_then_environment_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = tmp_path / "settings.toml"
    file.write_text("[retrieval]\ntop_k = 5\ndebounce_ms = 100\n", encoding="utf-8")
    monkeypatch.setenv("AGENT_ASSIST_RETRIEVAL__TOP_K", "2")
    settings = load_settings(file)
    assert settings.retrieval.top_k == 2
    assert settings.retrieval.debounce_ms == 100


def test_unknown_key_names_the_file_and_key(tmp_path: Path) -> None:
    file = tmp_path / "settings.toml"
    file.write_text("[retrieval]\ntop_kk = 5\n", encoding="utf-8")
    with pytest.raises(AgentAssistError, match=r"settings\.toml.*retrieval\.top_kk"):
        load_settings(file)


def test_broken_toml_is_reported_with_the_file(tmp_path: Path) -> None:
    file = tmp_path / "settings.toml"
    file.write_text("[retrieval\n", encoding="utf-8")
    with pytest.raises(AgentAssistError, match="not valid TOML"):
        load_settings(file)


def test_folder_defaults_follow_the_home_when_settings_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not when the module was imported: tests once wrote into the user's own call record."""
    monkeypatch.setenv("AGENT_ASSIST_HOME", str(tmp_path / "later"))
    assert load_settings().record.database == tmp_path / "later" / "data" / "calls.sqlite3"
