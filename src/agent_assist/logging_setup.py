"""Logging to a rotating file in the platform's log folder; never transcript text."""

from __future__ import annotations

import logging
import logging.handlers
import sys

from agent_assist import paths

_LOG_BYTES = 2_000_000
_LOG_BACKUPS = 5
_NOISY = ("transformers", "sentence_transformers", "faiss", "websockets", "urllib3", "filelock")


def configure(verbose: bool = False) -> None:
    """Send INFO and above to ``agent-assist.log``; warnings (or all, if verbose) to stderr."""
    root = logging.getLogger()
    if getattr(configure, "_done", False):
        return
    configure._done = True  # type: ignore[attr-defined]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
    try:
        paths.log_dir().mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            paths.log_dir() / "agent-assist.log",
            maxBytes=_LOG_BYTES,
            backupCount=_LOG_BACKUPS,
            encoding="utf-8",
        )
        file_handler.setFormatter(fmt)
        root.addHandler(file_handler)
    except OSError as exc:
        print(f"agent-assist: cannot write logs to {paths.log_dir()}: {exc}", file=sys.stderr)  # noqa: T201
    if sys.stderr is not None:
        console = logging.StreamHandler()
        console.setLevel(logging.DEBUG if verbose else logging.WARNING)
        console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(console)
    for name in _NOISY:
        logging.getLogger(name).setLevel(logging.WARNING)
