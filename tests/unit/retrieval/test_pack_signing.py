"""Signed packs: real Ed25519 keys over the real sample pack, as a folder and as a zip."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from agent_assist.config import RetrievalSettings, TrustSettings
from agent_assist.errors import PackValidationError
from agent_assist.health import check_pack
from agent_assist.retrieval.pack_signing import (
    SIGNATURE_FILE,
    PackTrustError,
    PublicKey,
    generate_key,
    parse_public_key,
    read_private_key,
    sign_pack,
    verify_pack,
)
from agent_assist.services import load_configured_pack
from tests.conftest import SAMPLE_PACK


@pytest.fixture
def lead(tmp_path: Path) -> Path:
    generate_key(tmp_path / "keys" / "lead.key", "Wang Lei")
    return tmp_path / "keys" / "lead.key"


def _trusted(key_file: Path) -> list[PublicKey]:
    return [parse_public_key(str(key_file.with_suffix(".pub")))]


@pytest.fixture
def signed_pack(tmp_path: Path, lead: Path) -> Path:
    pack = Path(shutil.copytree(SAMPLE_PACK, tmp_path / "pack"))
    sign_pack(pack, read_private_key(lead), "Wang Lei")
    return pack


def _zip(folder: Path, archive: Path) -> Path:
    with zipfile.ZipFile(archive, "w") as z:
        for file in folder.iterdir():
            z.write(file, f"pack/{file.name}")
    return archive


def test_a_signed_pack_verifies_with_the_leads_public_key(signed_pack: Path, lead: Path) -> None:
    signed = verify_pack(signed_pack, _trusted(lead))
    assert signed.signer == "Wang Lei" and signed.key_id == _trusted(lead)[0].key_id
    assert lead.stat().st_mode & 0o077 == 0  # the private key is the lead's alone


def test_a_zipped_pack_is_signed_inside_its_zip(tmp_path: Path, lead: Path) -> None:
    archive = _zip(SAMPLE_PACK, tmp_path / "pack.zip")
    sign_pack(archive, read_private_key(lead), "Wang Lei")
    assert f"pack/{SIGNATURE_FILE}" in zipfile.ZipFile(archive).namelist()
    assert verify_pack(archive, _trusted(lead)).signer == "Wang Lei"


def test_an_unsigned_pack_is_refused_saying_so(tmp_path: Path, lead: Path) -> None:
    with pytest.raises(PackTrustError, match="is not signed"):
        verify_pack(SAMPLE_PACK, _trusted(lead))


def test_a_pack_signed_by_a_key_it_does_not_trust_names_the_signer(
    signed_pack: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.key"
    generate_key(other, "Someone Else")
    with pytest.raises(PackTrustError, match=r"signed by Wang Lei .* does not trust"):
        verify_pack(signed_pack, _trusted(other))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda p: (p / "knowledge.yaml").write_text("entries: []\n"),
            "knowledge.yaml was changed",
        ),
        (lambda p: (p / "scripts.yaml").unlink(), "scripts.yaml was removed"),
    ],
)
def test_a_file_changed_after_signing_is_named(
    signed_pack: Path, lead: Path, change: object, expected: str
) -> None:
    change(signed_pack)  # type: ignore[operator]
    with pytest.raises(PackTrustError, match=expected):
        verify_pack(signed_pack, _trusted(lead))


def test_a_file_added_after_signing_is_named(tmp_path: Path, lead: Path) -> None:
    pack = Path(shutil.copytree(SAMPLE_PACK, tmp_path / "pack"))
    examples = (pack / "guidance_examples.yaml").read_bytes()
    (pack / "guidance_examples.yaml").unlink()
    sign_pack(pack, read_private_key(lead), "Wang Lei")
    (pack / "guidance_examples.yaml").write_bytes(examples)
    with pytest.raises(PackTrustError, match=r"guidance_examples\.yaml was added"):
        verify_pack(pack, _trusted(lead))


def test_an_edited_signature_does_not_verify(signed_pack: Path, lead: Path) -> None:
    signature = signed_pack / SIGNATURE_FILE
    document = json.loads(signature.read_text(encoding="utf-8"))
    document["payload"]["files"]["knowledge.yaml"] = "0" * 64  # to cover an edit
    signature.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(PackTrustError, match="signature does not match"):
        verify_pack(signed_pack, _trusted(lead))


def test_a_broken_pack_is_never_signed(tmp_path: Path, lead: Path) -> None:
    pack = Path(shutil.copytree(SAMPLE_PACK, tmp_path / "broken"))
    (pack / "knowledge.yaml").write_text("entries:\n  - id: 1\n", encoding="utf-8")
    with pytest.raises(PackValidationError, match=r"knowledge\.yaml"):
        sign_pack(pack, read_private_key(lead), "Wang Lei")
    assert not (pack / SIGNATURE_FILE).exists()


def test_workstations_load_only_trusted_packs_when_keys_are_set(
    signed_pack: Path, lead: Path
) -> None:
    trust = TrustSettings(pack_keys=(str(lead.with_suffix(".pub")),))
    signed = RetrievalSettings(pack=signed_pack)
    assert load_configured_pack(signed, trust).manifest.id == "sample-consumer-finance"
    unsigned = RetrievalSettings(pack=signed_pack, team_packs=(SAMPLE_PACK,))
    with pytest.raises(PackTrustError, match="is not signed"):
        load_configured_pack(unsigned, trust)
    assert load_configured_pack(unsigned, TrustSettings()).entries  # no keys: not enforced
    check, pack = check_pack(unsigned, trust)
    assert (check.ok, pack) == (False, None) and "[trust] pack_keys" in check.fix


def test_a_key_line_is_checked(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="not a public key"):
        parse_public_key("ed25519 not-base64!")
    line = (tmp_path / "k.key").with_suffix(".pub")
    generate_key(tmp_path / "k.key", "Lead")
    assert parse_public_key(line.read_text()).signer == "Lead"
