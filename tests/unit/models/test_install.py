import functools
import hashlib
import http.server
import threading
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from agent_assist.errors import ModelCorruptError, ModelInstallError, ModelMissingError
from agent_assist.models import catalog
from agent_assist.models.install import (
    install_model,
    installed_models,
    resolve_model,
    verify_model,
)


@pytest.fixture
def fake_asr_folder(tmp_path: Path) -> Path:
    """The layout of a Vosk model; content does not matter to the installer."""
    root = tmp_path / "src" / "vosk-model-small-cn-0.22"
    for rel in ("am/final.mdl", "conf/model.conf", "graph/HCLr.fst", "ivector/final.ie"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(rel.encode() * 100)
    return root


def _zip(folder: Path, archive: Path) -> Path:
    with zipfile.ZipFile(archive, "w") as z:
        for p in folder.rglob("*"):
            z.write(p, p.relative_to(folder.parent))
    return archive


def test_install_from_folder_records_sha256_per_file(tmp_path: Path, fake_asr_folder: Path) -> None:
    models = tmp_path / "models"
    model = install_model("vosk-model-small-cn-0.22", models, source=fake_asr_folder)
    assert model.path == models / "vosk-model-small-cn-0.22"
    verify_model(model.path)
    assert [m.name for m in installed_models(models)] == ["vosk-model-small-cn-0.22"]
    assert resolve_model("vosk-model-small-cn-0.22", "asr", models).path == model.path


def test_install_from_zip_finds_the_model_inside(tmp_path: Path, fake_asr_folder: Path) -> None:
    archive = _zip(fake_asr_folder, tmp_path / "model.zip")
    seen: list[int] = []
    model = install_model(
        "vosk-model-small-cn-0.22",
        tmp_path / "m",
        source=archive,
        progress=lambda done, total: seen.append(done),
    )
    assert (model.path / "am" / "final.mdl").is_file()
    assert seen and seen[-1] == sum(i.file_size for i in zipfile.ZipFile(archive).infolist())


def test_verify_names_a_damaged_file(tmp_path: Path, fake_asr_folder: Path) -> None:
    model = install_model("vosk-model-small-cn-0.22", tmp_path / "m", source=fake_asr_folder)
    (model.path / "am" / "final.mdl").write_bytes(b"tampered")
    with pytest.raises(ModelCorruptError, match=r"final\.mdl"):
        verify_model(model.path)


def test_missing_model_names_the_install_command(tmp_path: Path) -> None:
    with pytest.raises(ModelMissingError, match="agent-assist models install vosk-model-small-cn"):
        resolve_model("vosk-model-small-cn-0.22", "asr", tmp_path)


def test_folder_without_model_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelInstallError, match="No asr model files"):
        install_model("vosk-model-small-cn-0.22", tmp_path / "m", source=tmp_path / "empty")


def test_unknown_name_needs_a_kind(tmp_path: Path, fake_asr_folder: Path) -> None:
    with pytest.raises(ModelInstallError, match="--kind"):
        install_model("my-model", tmp_path / "m", source=fake_asr_folder)
    assert install_model("my-model", tmp_path / "m", source=fake_asr_folder, kind="asr").path


@pytest.fixture
def loopback_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Serves tmp_path/www on 127.0.0.1 to exercise the real download code."""
    www = tmp_path / "www"
    www.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(www))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", www
    server.shutdown()
    server.server_close()


def _catalog_entry(monkeypatch: pytest.MonkeyPatch, url: str, sha: str) -> None:
    entry = catalog.CatalogModel(
        name="test-asr",
        kind="asr",
        language="zh",
        url=url,
        archive_root="vosk-model-small-cn-0.22",
        size_mb=1,
        description="test",
        archive_sha256=sha,
    )
    monkeypatch.setitem(catalog.CATALOG, "test-asr", entry)


@pytest.fixture
def served_archive(
    fake_asr_folder: Path, loopback_server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> Callable[[str | None], Path]:
    """Serve the fake model as a zip; register it in the catalog with the given sha256."""

    def serve(sha256: str | None) -> Path:
        base, www = loopback_server
        archive = _zip(fake_asr_folder, www / "model.zip")
        digest = sha256 or hashlib.sha256(archive.read_bytes()).hexdigest()
        _catalog_entry(monkeypatch, f"{base}/model.zip", digest)
        return archive

    return serve


def test_download_checks_sha256_and_reports_progress(
    tmp_path: Path, served_archive: Callable[[str | None], Path]
) -> None:
    archive = served_archive(None)
    progress: list[tuple[int, int | None]] = []
    model = install_model("test-asr", tmp_path / "m", progress=lambda d, t: progress.append((d, t)))
    verify_model(model.path)
    assert (archive.stat().st_size, archive.stat().st_size) in progress


def test_download_with_wrong_checksum_is_refused_and_installs_nothing(
    tmp_path: Path, served_archive: Callable[[str | None], Path]
) -> None:
    served_archive("0" * 64)
    with pytest.raises(ModelInstallError, match="corrupt"):
        install_model("test-asr", tmp_path / "m")
    assert not (tmp_path / "m" / "test-asr").exists()


def test_unreachable_source_suggests_offline_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _catalog_entry(monkeypatch, "http://127.0.0.1:9/none.zip", "0" * 64)
    with pytest.raises(ModelInstallError, match="--from"):
        install_model("test-asr", tmp_path / "m")
