"""Encryption at rest for the call record: AES-GCM under a key kept in the OS keyring.

One key per user account, not per database file: the keyring is already per user, and a
key named after the file's path would be orphaned whenever the record moves (a new
``AGENT_ASSIST_HOME``, a restored backup, a renamed profile). Each database stores the key's
id, so a record opened with another user's or a newer key says so instead of failing on
every value.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from pathlib import Path

import keyring
import keyring.errors
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from agent_assist.errors import AgentAssistError

KEYRING_SERVICE = "agent-assist"
KEYRING_USERNAME = "call-record-key"
SEALED_PREFIX = "enc1:"
_KEY_BITS = 256
_NONCE_BYTES = 12  # AES-GCM's standard nonce; random per value, so no counter to keep
# Binds each value to this format version: an "enc1:" value cannot be replayed as a later one.
_ASSOCIATED_DATA = SEALED_PREFIX.encode()
_KEYRING_NAME = f"{KEYRING_SERVICE!r} / {KEYRING_USERNAME!r}"


class RecordKeyError(AgentAssistError):
    """The record's key cannot be had from the OS keyring, or is not the record's key."""


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(SEALED_PREFIX)


class RecordCipher:
    """Seals and opens single text values: ``enc1:`` + base64(nonce + ciphertext + tag)."""

    def __init__(self, key: bytes, db: Path) -> None:
        self._aead = AESGCM(key)
        self._db = db
        self.key_id = key_id(key)

    def seal(self, text: str) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, text.encode(), _ASSOCIATED_DATA)
        return SEALED_PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def open(self, value: str) -> str:
        try:
            raw = base64.b64decode(value[len(SEALED_PREFIX) :], validate=True)
            plain = self._aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _ASSOCIATED_DATA)
            return plain.decode()
        except (binascii.Error, InvalidTag, ValueError, UnicodeDecodeError) as exc:
            raise AgentAssistError(
                f"A stored value in the call record {self._db} failed its integrity check: the"
                " file was changed outside agent-assist or is damaged. Restore the file from a"
                " backup; calls that do not contain the damaged value can still be exported."
            ) from exc


def key_id(key: bytes) -> str:
    """A short public name for a key: tells keys apart without revealing them."""
    return hashlib.sha256(b"agent-assist call-record key id\0" + key).hexdigest()[:16]


def open_cipher(db: Path, stored_key_id: str | None, *, create: bool) -> RecordCipher:
    """The cipher for the record at ``db`` with the user's key from the OS keyring.

    Args:
        stored_key_id: the id of the key the record was encrypted with, None if it never was.
        create: make and store a key when the user has none and the record needs none yet.

    Raises:
        RecordKeyError: no usable keyring, the key is missing, or it is not the record's key.
    """
    key = _keyring_key(db, writing=create)
    if key is None and create and stored_key_id is None:
        key = _store_new_key(db)
    if key is None:
        raise RecordKeyError(
            f"The call record {db} is encrypted, but its key ({_KEYRING_NAME}) is not in this"
            " user's OS keyring. Restore that keyring entry (from a backup of the keyring or"
            " the account that wrote the record). If the key is lost, the encrypted calls"
            " cannot be read: move the file aside and a new, empty record will be started."
        )
    if stored_key_id is not None and key_id(key) != stored_key_id:
        raise RecordKeyError(
            f"The call record {db} was encrypted with a different key than the one in this"
            f" user's OS keyring ({_KEYRING_NAME}). Restore the original key, or move the file"
            " aside to start a new record."
        )
    return RecordCipher(key, db)


def _keyring_key(db: Path, *, writing: bool) -> bytes | None:
    try:
        stored = keyring.get_password(KEYRING_SERVICE, KEYRING_USERNAME)
    except keyring.errors.KeyringError as exc:
        raise RecordKeyError(_no_keyring_message(db, exc, writing=writing)) from exc
    if stored is None:
        return None
    try:
        key = base64.b64decode(stored, validate=True)
    except binascii.Error:
        key = b""
    if len(key) * 8 != _KEY_BITS:
        raise RecordKeyError(
            f"The OS keyring entry {_KEYRING_NAME} is not a call-record key. Restore the"
            " original entry, or move the record aside and delete the entry to start anew."
        )
    return key


def _store_new_key(db: Path) -> bytes:
    key = AESGCM.generate_key(bit_length=_KEY_BITS)
    try:
        keyring.set_password(KEYRING_SERVICE, KEYRING_USERNAME, base64.b64encode(key).decode())
    except keyring.errors.KeyringError as exc:
        raise RecordKeyError(_no_keyring_message(db, exc, writing=True)) from exc
    # Another process may have stored its new key at the same moment: the keyring's wins.
    return _keyring_key(db, writing=True) or key


def _no_keyring_message(db: Path, exc: Exception, *, writing: bool) -> str:
    keyrings = (
        "Windows Credential Manager, the macOS Keychain, or a Secret Service on Linux such as"
        " GNOME Keyring or KWallet, unlocked"
    )
    if writing:
        return (
            f"Encrypting the call record {db} (record.encrypt) needs the OS keyring to keep"
            f" its key ({keyrings}), and none can be used here: {exc}. Start one, or set"
            " record.encrypt = false to keep the record unencrypted."
        )
    return (
        f"The call record {db} holds encrypted calls; their key is kept in the OS keyring"
        f" ({keyrings}), which cannot be used here: {exc}. Open the record as the user who"
        " wrote it, with the keyring available."
    )
