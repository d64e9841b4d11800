from pathlib import Path

import pytest

from agent_assist import paths
from agent_assist.config import load_layers, load_settings
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


# -- layers: defaults < machine file (IT) < user file < environment; locks -------------------
def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def machine(tmp_path: Path) -> Path:
    return tmp_path / "machine" / "settings.toml"


@pytest.fixture
def user(tmp_path: Path) -> Path:
    return tmp_path / "user" / "settings.toml"


def test_each_layer_overrides_the_one_before_key_by_key(
    machine: Path, user: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(machine, "[retrieval]\ntop_k = 5\ndebounce_ms = 100\nthreads = 2\n")
    _write(user, "[retrieval]\ntop_k = 4\ndebounce_ms = 50\n")
    monkeypatch.setenv("AGENT_ASSIST_RETRIEVAL__TOP_K", "2")
    retrieval = load_settings(user, machine).retrieval
    assert (retrieval.top_k, retrieval.debounce_ms, retrieval.threads) == (2, 50, 2)
    assert retrieval.min_score is None  # untouched: the built-in default


def test_a_locked_key_keeps_the_machine_value_and_says_who_tried(
    machine: Path, user: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(machine, 'locked = ["ingest.host"]\n[ingest]\nhost = "10.0.0.5"\nport = 9000\n')
    _write(user, '[ingest]\nhost = "0.0.0.0"\nport = 9100\n')
    monkeypatch.setenv("AGENT_ASSIST_INGEST__HOST", "192.168.1.1")
    layers = load_layers(user, machine)
    assert layers.settings.ingest.host == "10.0.0.5"
    assert layers.settings.ingest.port == 9100  # not locked: the user's file wins
    assert layers.is_locked("ingest", "host") and not layers.is_locked("ingest", "port")
    assert len(layers.ignored) == 2
    assert str(user) in layers.ignored[0] and "ingest.host" in layers.ignored[0]
    assert "AGENT_ASSIST_INGEST__HOST" in layers.ignored[1]


def test_locking_a_section_locks_each_key_at_the_machine_value_or_the_default(
    machine: Path, user: Path
) -> None:
    _write(machine, 'locked = ["privacy"]\n[privacy]\nkeep_last_digits = 2\n')
    _write(user, "[privacy]\nmask_live_transcript = false\nkeep_last_digits = 6\n")
    layers = load_layers(user, machine)
    assert layers.settings.privacy.mask_live_transcript is True  # the default, locked
    assert layers.settings.privacy.keep_last_digits == 2
    assert layers.locked == {"privacy.mask_live_transcript", "privacy.keep_last_digits"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[retrieval]\ntop_kk = 5\n", r"unknown key retrieval\.top_kk"),
        ("[retreival]\ntop_k = 5\n", r"unknown setting 'retreival'"),
        ("[retrieval]\ntop_k = 50\n", r"retrieval\.top_k: Input should be less than or equal"),
        ('retrieval = "x"\n', r"retrieval must be a table"),
    ],
)
def test_the_machine_file_is_checked_and_named_on_its_own(
    machine: Path, user: Path, text: str, expected: str
) -> None:
    _write(machine, text)
    with pytest.raises(AgentAssistError, match=rf"{machine}: .*{expected}"):
        load_settings(user, machine)


@pytest.mark.parametrize(
    "lock", ['locked = ["ingest.hots"]', 'locked = ["nothing"]', 'locked = "ingest.host"']
)
def test_a_lock_that_names_no_setting_is_an_error(machine: Path, user: Path, lock: str) -> None:
    _write(machine, lock + "\n")
    with pytest.raises(AgentAssistError, match=str(machine)):
        load_settings(user, machine)


def test_a_user_file_cannot_lock(machine: Path, user: Path) -> None:
    _write(user, 'locked = ["ingest.host"]\n')
    with pytest.raises(AgentAssistError, match="belongs in the machine-wide file"):
        load_settings(user, machine)


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("AGENT_ASSIST_RETRIVAL__TOP_K", "2", "AGENT_ASSIST_RETRIVAL__TOP_K names no setting"),
        ("AGENT_ASSIST_RETRIEVAL__TOPK", "2", "AGENT_ASSIST_RETRIEVAL__TOPK names no setting"),
        (
            "AGENT_ASSIST_RETRIEVAL__TOP_K",
            "many",
            r"AGENT_ASSIST_RETRIEVAL__TOP_K \(retrieval\.top_k\)",
        ),
    ],
)
def test_environment_errors_name_the_variable(
    machine: Path,
    user: Path,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
    expected: str,
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(AgentAssistError, match=expected):
        load_settings(user, machine)


def test_the_machine_file_is_the_one_paths_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """No environment variable moves it (the conftest points it into the test's home)."""
    _write(paths.machine_settings_file(), "[ui]\nwidth_px = 500\n")
    assert load_settings().ui.width_px == 500


def test_a_bad_schema_version_names_the_file(machine: Path, user: Path) -> None:
    _write(machine, 'schema_version = "x"\n')
    with pytest.raises(AgentAssistError, match=rf"{machine}: schema_version must be a whole"):
        load_settings(user, machine)
