"""Ed25519 signatures of script packs: a team lead signs, workstations check before loading.

``signature.json`` sits beside the pack's files (in its folder, or in its zip) and signs the
sha256 of every pack file, so a file changed, added or removed after signing is refused as
surely as a forged signature. Keys are one line each (``ed25519 <base64> <signer>``) so IT can
paste a team lead's public key straight into the settings.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from agent_assist.errors import AgentAssistError
from agent_assist.retrieval.pack import (
    OPTIONAL_FILES,
    PACK_FILES,
    SIGNATURE_FILE,
    PackFiles,
    UnreadablePackFileError,
    load_pack,
)

KEY_PREFIX = "ed25519"
FORMAT = 1
SIGNED_FILES = (*PACK_FILES, *OPTIONAL_FILES)


class PackTrustError(AgentAssistError):
    """A pack is not signed by a key this workstation trusts; the message says why."""


@dataclass(frozen=True)
class PublicKey:
    key: Ed25519PublicKey
    signer: str

    @property
    def key_id(self) -> str:
        return key_id(self.key)

    def line(self) -> str:
        return f"{KEY_PREFIX} {base64.b64encode(_raw(self.key)).decode()} {self.signer}".strip()


@dataclass(frozen=True)
class Signed:
    key_id: str
    signer: str
    signed_at: str


def key_id(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(_raw(key)).hexdigest()[:16]


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


# -- keys ------------------------------------------------------------------------------------
def generate_key(private_file: Path, signer: str) -> PublicKey:
    """Write a new private key (readable by its owner only) and ``<name>.pub`` beside it."""
    if private_file.exists():
        raise AgentAssistError(f"{private_file} exists: choose another name, keys are not replaced")
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    private_file.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(private_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(pem)
    public = PublicKey(private.public_key(), signer)
    private_file.with_suffix(".pub").write_text(public.line() + "\n", encoding="utf-8")
    return public


def read_private_key(file: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(file.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise AgentAssistError(f"{file} is not a readable private key: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise AgentAssistError(f"{file} is not an Ed25519 key (make one with `pack keygen`)")
    return key


def parse_public_key(text: str, where: str = "") -> PublicKey:
    """``ed25519 <base64> [signer]``, or the path of a ``.pub`` file holding that line."""
    line = text.strip()
    if not line.startswith(KEY_PREFIX + " ") and Path(line).is_file():
        where, line = line, Path(line).read_text(encoding="utf-8").strip()
    parts = line.split(maxsplit=2)
    try:
        if len(parts) < 2 or parts[0] != KEY_PREFIX:
            raise ValueError(f"not '{KEY_PREFIX} <base64> [signer]'")
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(parts[1], validate=True))
    except (ValueError, binascii.Error) as exc:
        label = where or line[:40]
        raise AgentAssistError(f"Trusted pack key {label!r} is not a public key: {exc}") from exc
    return PublicKey(key, parts[2] if len(parts) > 2 else "")


# -- signing ---------------------------------------------------------------------------------
def sign_pack(pack: Path, private_key: Ed25519PrivateKey, signer: str) -> Signed:
    """Sign a pack that validates; writes ``signature.json`` into its folder or zip."""
    manifest = load_pack(pack).manifest  # a broken pack is never signed
    payload = {
        "format": FORMAT,
        "pack_id": manifest.id,
        "version": manifest.version,
        "signer": signer,
        "signed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "files": _file_sums(PackFiles(pack, SIGNED_FILES)),
    }
    public = private_key.public_key()
    document = {
        "payload": payload,
        "key_id": key_id(public),
        "signature": base64.b64encode(private_key.sign(_canonical(payload))).decode(),
    }
    _write_signature(pack, json.dumps(document, ensure_ascii=False, indent=2))
    return Signed(key_id(public), signer, payload["signed_at"])


def _canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _file_sums(files: PackFiles) -> dict[str, str]:
    return {
        name: hashlib.sha256(_read(files, name)).hexdigest()
        for name in SIGNED_FILES
        if files.has(name)
    }


def _write_signature(pack: Path, text: str) -> None:
    if pack.is_dir():
        (pack / SIGNATURE_FILE).write_text(text, encoding="utf-8")
        return
    folder = PurePosixPath(PackFiles(pack).member(PACK_FILES[0])).parent
    member = str(folder / SIGNATURE_FILE)  # beside the manifest ("." at the zip's root)
    rewritten = pack.with_name(f".{pack.name}.signing")
    with zipfile.ZipFile(pack) as old, zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if PurePosixPath(info.filename).name != SIGNATURE_FILE:
                new.writestr(info, old.read(info))
        new.writestr(member, text)
    rewritten.replace(pack)


# -- checking --------------------------------------------------------------------------------
def verify_pack(pack: Path, trusted: list[PublicKey]) -> Signed:
    """Who signed ``pack``; raise ``PackTrustError`` saying why it cannot be trusted."""
    files = PackFiles(pack, (*SIGNED_FILES, SIGNATURE_FILE))
    if not files.has(SIGNATURE_FILE):
        raise PackTrustError(
            f"{pack} is not signed: this workstation loads only packs signed by a team lead "
            f"whose key IT trusts (sign it with `agent-assist pack sign`)."
        )
    document = _read_signature(files, pack)
    payload = document["payload"]
    signer = next((k for k in trusted if k.key_id == document["key_id"]), None)
    if signer is None:
        raise PackTrustError(
            f"{pack} is signed by {payload.get('signer') or 'an unknown signer'} (key "
            f"{document['key_id']}), whose key this workstation does not trust: ask IT to add "
            "it to [trust] pack_keys."
        )
    try:
        signer.key.verify(base64.b64decode(document["signature"]), _canonical(payload))
    except (InvalidSignature, ValueError, binascii.Error):
        raise PackTrustError(
            f"{pack}: the signature does not match: {SIGNATURE_FILE} was altered after signing."
        ) from None
    _check_files(files, payload.get("files"), pack)
    return Signed(signer.key_id, str(payload.get("signer", "")), str(payload.get("signed_at")))


def _read(files: PackFiles, name: str) -> bytes:
    try:
        return files.read_bytes(name)
    except (OSError, UnreadablePackFileError) as exc:
        raise PackTrustError(f"{files.label(name)}: {exc}") from exc


def _read_signature(files: PackFiles, pack: Path) -> dict[str, Any]:
    try:
        document = json.loads(_read(files, SIGNATURE_FILE))
        if not isinstance(document.get("payload"), dict):
            raise ValueError("no payload")
        str(document["key_id"]), str(document["signature"])
    except (ValueError, KeyError, AttributeError, UnicodeDecodeError) as exc:
        raise PackTrustError(f"{pack}: {SIGNATURE_FILE} is damaged ({exc}); sign it again") from exc
    return document


def _check_files(files: PackFiles, signed: object, pack: Path) -> None:
    if not isinstance(signed, dict):
        raise PackTrustError(f"{pack}: {SIGNATURE_FILE} lists no files; sign it again")
    present = _file_sums(files)
    for name in sorted(set(present) | set(signed)):
        if name not in signed:
            raise PackTrustError(f"{pack}: {name} was added after the pack was signed.")
        if name not in present:
            raise PackTrustError(f"{pack}: {name} was removed after the pack was signed.")
        if present[name] != signed[name]:
            raise PackTrustError(f"{pack}: {name} was changed after the pack was signed.")
