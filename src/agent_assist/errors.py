"""Exceptions with a message written for the person who has to act on them."""

from __future__ import annotations


class AgentAssistError(Exception):
    """Base class: ``str(error)`` is shown to the user as is."""


class ModelMissingError(AgentAssistError):
    """A model is not installed; the message names the command that installs it."""


class ModelCorruptError(AgentAssistError):
    """A model's files do not match the checksums recorded when it was installed."""


class ModelInstallError(AgentAssistError):
    """A model could not be downloaded, unpacked or verified."""


class AudioSourceError(AgentAssistError):
    """An audio file or device cannot be read."""


class IndexMismatchError(AgentAssistError):
    """A built index does not belong to the configured embedder or pack."""


class PackValidationError(AgentAssistError):
    """A script pack is malformed; carries every problem found, each with file, line and field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"Script pack has {len(problems)} problem(s):\n{lines}")


class CallScriptError(AgentAssistError):
    """A call script (timed utterances for replay) is malformed."""


class InstallCancelled(ModelInstallError):  # noqa: N818 - a choice, not a fault
    """The person installing a model cancelled it; nothing was installed."""
