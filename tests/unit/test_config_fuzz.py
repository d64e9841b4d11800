"""Fuzzing the settings loader: any file, any environment gives settings or a clear error."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from agent_assist.config import SECTIONS, Settings, load_layers
from agent_assist.errors import AgentAssistError

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
_KEYS = [f"{s}.{k}" for s, model in SECTIONS.items() for k in model.model_fields]
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True),
    st.text(max_size=30),
)
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4), max_leaves=8)
# Known sections and keys most of the time (that is where the checks are), a few unknown ones.
_SECTION = st.sampled_from([*SECTIONS, "locked", "schema_version", "asr2", "ASR"])
_KEY = st.one_of(st.sampled_from(sorted({k.split(".")[1] for k in _KEYS})), st.text(max_size=8))
_DOCUMENTS = st.dictionaries(
    _SECTION,
    st.one_of(_VALUES, st.dictionaries(_KEY, _VALUES, max_size=5)),
    max_size=4,
)


def _toml(document: dict[str, object]) -> str | None:
    try:
        return tomli_w.dumps(_without_none(document))
    except (TypeError, ValueError):
        return None


def _without_none(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value if v is not None]
    return value


def _load(tmp_path: Path, user: str, machine: str) -> Settings | AgentAssistError:
    (tmp_path / "user.toml").write_text(user, encoding="utf-8")
    (tmp_path / "machine.toml").write_text(machine, encoding="utf-8")
    try:
        return load_layers(tmp_path / "user.toml", tmp_path / "machine.toml").settings
    except AgentAssistError as exc:
        return exc


@FUZZ
@given(user=_DOCUMENTS, machine=_DOCUMENTS)
@example(user={"retrieval": {"top_k": 99}}, machine={})
@example(user={}, machine={"locked": ["asr"], "asr": {"block_ms": "x"}})
def test_any_settings_documents_load_or_name_the_file(
    tmp_path: Path, user: dict[str, object], machine: dict[str, object]
) -> None:
    user_text, machine_text = _toml(user), _toml(machine)
    if user_text is None or machine_text is None:
        return
    outcome = _load(tmp_path, user_text, machine_text)
    if isinstance(outcome, AgentAssistError):
        assert "user.toml" in str(outcome) or "machine.toml" in str(outcome), outcome


@FUZZ
@given(text=st.text(max_size=200))
@example(text="[asr\nmodel=1")
@example(text="\ufeff[asr]\nmodel = 'x'\n")
def test_any_text_loads_or_names_the_file(tmp_path: Path, text: str) -> None:
    outcome = _load(tmp_path, text, "")
    if isinstance(outcome, AgentAssistError):
        assert "user.toml" in str(outcome), outcome


@FUZZ
@given(
    key=st.sampled_from(_KEYS),
    value=st.text(alphabet=string.printable, max_size=40),
)
@example(key="retrieval.team_packs", value="a.zip")  # was pydantic-settings' SettingsError
def test_any_environment_value_loads_or_names_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str, value: str
) -> None:
    section, name = key.split(".")
    variable = f"AGENT_ASSIST_{section}__{name}".upper()
    monkeypatch.setenv(variable, value.replace("\x00", ""))
    outcome = _load(tmp_path, "", "")
    monkeypatch.delenv(variable)
    if isinstance(outcome, AgentAssistError):
        assert variable in str(outcome), outcome
