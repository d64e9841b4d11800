"""Change the user's settings file: only the keys that changed, every other key kept."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

import tomli_w
from pydantic import BaseModel

from agent_assist.atomic_file import write_text_atomically
from agent_assist.config import Settings
from agent_assist.errors import AgentAssistError

# Read again each time a call starts (app.CallStarter); every other section needs a restart.
NEXT_CALL_SECTIONS = ("audio", "asr")
# TOML values the dialog writes; None removes the key, so its default applies again.
Changes = Mapping[str, Mapping[str, object | None]]


def restart_needed(old: Settings, new: Settings) -> bool:
    """Whether ``new`` differs from ``old`` in a setting read only when the panel starts."""
    sections = set(Settings.model_fields) - {"schema_version", *NEXT_CALL_SECTIONS}
    return any(getattr(old, name) != getattr(new, name) for name in sections)


def update_settings_file(file: Path, changes: Changes) -> None:
    """Set the changed keys (None: remove the key); every other key stays as it was.

    Written to a temporary file beside it and renamed over it, so a crash leaves the old file.
    """
    try:
        document = tomllib.loads(file.read_text(encoding="utf-8")) if file.is_file() else {}
        for section, keys in changes.items():
            table = document.setdefault(section, {})
            for key, value in keys.items():
                if value is None:
                    table.pop(key, None)
                else:
                    table[key] = value
            if not table:
                del document[section]
        write_text_atomically(file, tomli_w.dumps(document))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AgentAssistError(
            f"{file} is not valid TOML ({exc}); correct it by hand: nothing was saved."
        ) from exc
    except OSError as exc:
        raise AgentAssistError(f"Could not save the settings to {file}: {exc}") from exc


def toml_value(value: object) -> object:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple | list):
        return [toml_value(v) for v in value]
    return value


def bounds(section: type[BaseModel], key: str) -> tuple[int, int]:
    """A number field's limits, as the settings model declares them (ge/le)."""
    low, high = 0, 100
    for rule in section.model_fields[key].metadata:
        low = getattr(rule, "ge", low)
        high = getattr(rule, "le", high)
    return low, high
