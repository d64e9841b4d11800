"""The OS keyring, replaced by one the test owns: the ciphers and the store stay real."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail


class MemoryKeyring(KeyringBackend):
    """Entries in a dict, or in a JSON file when a child process must share them."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, file: Path | None = None) -> None:
        super().__init__()
        self._file = file
        self._entries: dict[str, str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        self._save({**self._load(), f"{service}/{username}": password})

    def delete_password(self, service: str, username: str) -> None:
        entries = self._load()
        del entries[f"{service}/{username}"]
        self._save(entries)

    def _load(self) -> dict[str, str]:
        if self._file is None or not self._file.exists():
            return dict(self._entries)
        return dict(json.loads(self._file.read_text(encoding="utf-8")))

    def _save(self, entries: dict[str, str]) -> None:
        self._entries = entries
        if self._file is not None:
            self._file.write_text(json.dumps(entries), encoding="utf-8")


@contextlib.contextmanager
def using_keyring(backend: KeyringBackend) -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    backend = MemoryKeyring()
    with using_keyring(backend):
        yield backend


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """What headless Linux has by default: keyring's failing backend."""
    with using_keyring(fail.Keyring()):
        yield
