"""Published packs: fetched from a shared folder, a zip or a real HTTPS server; a new version
is taken only when valid (and signed, if required), else the local copy stays."""

from __future__ import annotations

import datetime as dt
import http.server
import shutil
import ssl
import threading
import zipfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from agent_assist.config import DistributionSettings, Settings, TrustSettings
from agent_assist.retrieval.pack import load_pack
from agent_assist.retrieval.pack_feed import FeedResult, PackFeed, PublishedPacks
from agent_assist.retrieval.pack_signing import (
    generate_key,
    parse_public_key,
    read_private_key,
    sign_pack,
)
from tests.conftest import SAMPLE_PACK


def _publish(folder: Path, version: str) -> Path:
    """The sample pack as the team lead publishes it, with its version bumped."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(SAMPLE_PACK, folder)
    manifest = folder / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("version: 1.0.0", f"version: {version}"), encoding="utf-8")
    return folder


def _version(pack: Path) -> str:
    return load_pack(pack).manifest.version


def test_a_shared_folder_is_copied_then_updated_only_when_it_changes(tmp_path: Path) -> None:
    share = _publish(tmp_path / "share" / "collections", "1.1.0")
    feed = PackFeed(str(share), tmp_path / "local", [])
    assert feed.fetch().updated and _version(feed.local) == "1.1.0"
    assert not feed.fetch().updated  # same content
    _publish(share, "1.2.0")
    assert feed.fetch().updated and _version(feed.local) == "1.2.0"


def test_an_invalid_new_version_is_refused_and_the_copy_stays(tmp_path: Path) -> None:
    share = _publish(tmp_path / "share" / "collections", "1.1.0")
    feed = PackFeed(str(share), tmp_path / "local", [])
    feed.fetch()
    (share / "knowledge.yaml").write_text("entries:\n  - id: 1\n", encoding="utf-8")
    result = feed.fetch()
    assert not result.updated and "knowledge.yaml" in result.problem
    assert _version(feed.local) == "1.1.0"
    shutil.rmtree(share)  # the share is offline
    assert "cannot read" in feed.fetch().problem and _version(feed.local) == "1.1.0"


def test_a_zip_on_a_share_and_a_required_signature(tmp_path: Path) -> None:
    generate_key(tmp_path / "lead.key", "Wang Lei")
    trusted = [parse_public_key(str(tmp_path / "lead.pub"))]
    folder = _publish(tmp_path / "build" / "pack", "2.0.0")
    archive = tmp_path / "share" / "collections.zip"
    archive.parent.mkdir()
    _zip(folder, archive)
    feed = PackFeed(str(archive), tmp_path / "local", trusted)
    assert "is not signed" in feed.fetch().problem and not feed.local.exists()
    sign_pack(archive, read_private_key(tmp_path / "lead.key"), "Wang Lei")
    assert feed.fetch().updated and _version(feed.local) == "2.0.0"


def _zip(folder: Path, archive: Path) -> Path:
    with zipfile.ZipFile(archive, "w") as z:
        for file in folder.iterdir():
            z.write(file, file.name)
    return archive


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """A real TLS server on loopback with a certificate made for it; yields (url, served
    folder, CA file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    served = tmp_path / "www"
    served.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Logged, served))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://localhost:{server.server_address[1]}", served, cert_file
    server.shutdown()
    server.server_close()


class _Logged(http.server.SimpleHTTPRequestHandler):
    """Serves ``served`` and keeps each answer's status (the test reads STATUSES)."""

    STATUSES: ClassVar[list[int]] = []

    def __init__(self, served: Path, *args: Any) -> None:
        super().__init__(*args, directory=str(served))

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        _Logged.STATUSES.append(int(code))


def test_a_pack_published_over_https(https_server: tuple[str, Path, Path], tmp_path: Path) -> None:
    url, served, ca_file = https_server
    _zip(_publish(tmp_path / "build" / "pack", "3.0.0"), served / "collections.zip")
    feed = PackFeed(f"{url}/collections.zip", tmp_path / "local", [], ca_file=ca_file)
    _Logged.STATUSES.clear()
    assert feed.fetch().updated and _version(feed.local) == "3.0.0"
    assert feed.fetch() == FeedResult(feed.source)  # unchanged: not downloaded again
    assert _Logged.STATUSES == [200, 304]
    untrusted_server = PackFeed(f"{url}/collections.zip", tmp_path / "other", [])
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted_server.fetch().problem
    missing = PackFeed(f"{url}/nothing.zip", tmp_path / "local", [], ca_file=ca_file)
    assert "404" in missing.fetch().problem
    plain = PackFeed(url.replace("https", "http") + "/collections.zip", tmp_path / "p", [])
    assert "https:// only" in plain.fetch().problem


def test_published_packs_are_fetched_when_due_and_loaded_after_the_team_packs(
    tmp_path: Path,
) -> None:
    share = _publish(tmp_path / "share" / "collections", "1.1.0")
    settings = Settings(
        distribution=DistributionSettings(sources=(str(share),), check_s=60),
        trust=TrustSettings(),
    )
    now = [0.0]
    published = PublishedPacks(settings, tmp_path / "local", clock=lambda: now[0])
    assert published.applied_to(settings).retrieval.team_packs == ()  # not fetched yet
    assert [r.updated for r in published.fetch_due()] == [True]
    _publish(share, "1.2.0")
    now[0] = 30.0
    assert published.fetch_due() == []  # not due
    now[0] = 61.0
    assert [r.updated for r in published.fetch_due()] == [True]
    (copy,) = published.applied_to(settings).retrieval.team_packs
    assert _version(copy) == "1.2.0"
