"""Call scripts: timed utterances per speaker that stand in for recognised audio."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from agent_assist.domain import Speaker
from agent_assist.errors import CallScriptError


class ScriptedUtterance(BaseModel):
    """One utterance: who says what, from ``start`` to ``end`` seconds into the call."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: float = Field(ge=0)
    end: float
    speaker: Speaker
    text: str = Field(min_length=1)
    # The knowledge topic a customer question should surface (for checking replays).
    topic: str | None = None

    @model_validator(mode="after")
    def _end_after_start(self) -> ScriptedUtterance:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self


class CallScript(BaseModel):
    """A whole call; utterances are sorted by start time."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    language: str = "zh"
    utterances: tuple[ScriptedUtterance, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _in_order(self) -> CallScript:
        starts = [u.start for u in self.utterances]
        if starts != sorted(starts):
            raise ValueError("utterances must be in order of start time")
        return self


def load_call_script(path: Path) -> CallScript:
    """Load and validate a call script; errors name the file and the field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CallScriptError(f"Cannot read call script {path}: {exc}") from exc
    try:
        return CallScript.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}"
            for e in exc.errors()
        )
        raise CallScriptError(f"Call script {path} is invalid: {problems}") from exc
