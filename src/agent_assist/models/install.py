"""Install models from their official source or a local folder/archive, and verify them."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import shutil
import tempfile
import time
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from agent_assist.errors import (
    InstallCancelled,
    ModelCorruptError,
    ModelInstallError,
    ModelMissingError,
)
from agent_assist.models.catalog import CATALOG, CatalogModel, ModelKind

logger = logging.getLogger(__name__)

MANIFEST_NAME = "agent-assist-model.json"
_CHUNK_BYTES = 1 << 20

# (bytes done, bytes total or None) → None; called from the installing thread.
Progress = Callable[[int, int | None], None]
# Polled by the installing thread between chunks: True stops the install.
Cancelled = Callable[[], bool]


@dataclass(frozen=True, slots=True)
class InstalledModel:
    name: str
    kind: ModelKind
    path: Path
    origin: str


def looks_like(kind: ModelKind, folder: Path) -> bool:
    """Whether ``folder`` holds model files of ``kind``."""
    if kind == "asr":
        return (folder / "am" / "final.mdl").is_file() or (folder / "final.mdl").is_file()
    use = (folder / "weights.npz").is_file() and (folder / "sp.model").is_file()
    return use or (folder / "modules.json").is_file()


def install_instructions(name: str) -> str:
    return (
        f"Install it with `agent-assist models install {name}` "
        f"(offline: `agent-assist models install {name} --from FOLDER_OR_ZIP`)."
    )


def resolve_model(name_or_path: str, kind: ModelKind, models_dir: Path) -> InstalledModel:
    """Find a model by path, by installed name, or in a pip package that carries it."""
    as_path = Path(name_or_path).expanduser()
    if as_path.is_dir() and looks_like(kind, as_path):
        return InstalledModel(model_folder_name(as_path), kind, as_path, "path")
    installed = models_dir / name_or_path
    if looks_like(kind, installed):
        return InstalledModel(name_or_path, kind, installed, "installed")
    entry = CATALOG.get(name_or_path)
    if entry and entry.python_package:
        folder = _package_folder(*entry.python_package)
        if folder is not None and looks_like(kind, folder):
            return InstalledModel(
                name_or_path, kind, folder, f"python package {folder.parent.name}"
            )
    raise ModelMissingError(
        f"The {'speech' if kind == 'asr' else 'embedding'} model {name_or_path!r} is not "
        f"installed (looked in {models_dir}). {install_instructions(name_or_path)}"
    )


def model_folder_name(folder: Path) -> str:
    """Packages keep their model in a generic ``model/`` or ``resources/`` folder."""
    generic = folder.name in ("model", "resources")
    return folder.resolve().parent.name if generic else folder.name


def _package_folder(package: str, sub: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / sub


def install_model(
    name: str,
    models_dir: Path,
    source: Path | None = None,
    kind: ModelKind | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> InstalledModel:
    """Install ``name`` into ``models_dir`` from ``source`` (folder/zip) or its catalog URL.

    Raises:
        InstallCancelled: ``cancelled()`` returned True; nothing was installed.
    """
    entry = CATALOG.get(name)
    kind = kind or (entry.kind if entry else None)
    if kind is None:
        raise ModelInstallError(
            f"{name!r} is not in the catalog (see `agent-assist models list`); "
            "give --kind asr|embedding to install it from a local folder or archive"
        )
    if source is None and entry is None:
        raise ModelInstallError(f"{name!r} is not in the catalog: give --from FOLDER_OR_ZIP")
    origin = entry.url if source is None and entry else str(source)
    steps = _Steps(name, progress, cancelled)
    models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=models_dir, prefix=f".{name}-") as tmp:
        staged = _stage(source, entry, kind, Path(tmp), steps)
        _write_manifest(staged, name, kind, origin, steps)
        steps.check()
        target = models_dir / name
        if target.exists():
            shutil.rmtree(target)
        staged.rename(target)
    logger.info("installed model %s (%s) into %s", name, kind, target)
    return InstalledModel(name, kind, target, "installed")


class _Steps:
    """Reports byte progress of one install step at a time and stops the install on cancel."""

    def __init__(self, name: str, progress: Progress | None, cancelled: Cancelled | None) -> None:
        self._name = name
        self._progress = progress
        self._cancelled = cancelled
        self.done = 0
        self.total: int | None = None

    def start(self, total: int | None) -> None:
        self.done, self.total = 0, total

    def advance(self, count: int) -> None:
        self.check()
        self.done += count
        if self._progress:
            self._progress(self.done, self.total)

    def check(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise InstallCancelled(f"Installing {self._name} was cancelled; nothing was installed.")


def _stage(
    source: Path | None, entry: CatalogModel | None, kind: ModelKind, work: Path, steps: _Steps
) -> Path:
    """The model's files in ``work/model``, from the download, the archive or the folder."""
    if source is None:
        assert entry is not None
        source = _download(entry, work / "download", steps)
    staged = work / "model"
    if source.is_dir():
        _copy_folder(_find_model_root(source, kind, entry), staged, steps)
    else:
        unpacked = _unpack(source, work / "unpacked", steps)
        # Unpacked into our own temp folder: moving it is enough, no second copy.
        _find_model_root(unpacked, kind, entry).rename(staged)
    return staged


def _download(entry: CatalogModel, dest: Path, steps: _Steps) -> Path:
    """Stream the archive to disk, hashing as it arrives; refuse a checksum mismatch."""
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(entry.url, timeout=60) as response, dest.open("wb") as out:
            steps.start(int(response.headers.get("Content-Length") or 0) or None)
            while chunk := response.read(_CHUNK_BYTES):
                out.write(chunk)
                digest.update(chunk)
                steps.advance(len(chunk))
    except OSError as exc:
        raise ModelInstallError(
            f"Could not download {entry.name} from {entry.url}: {exc}. "
            f"On an offline machine copy the archive over and use --from."
        ) from exc
    if entry.archive_sha256 and digest.hexdigest() != entry.archive_sha256:
        raise ModelInstallError(
            f"Download of {entry.name} is corrupt: sha256 {digest.hexdigest()} "
            f"!= expected {entry.archive_sha256}"
        )
    return dest


def _unpack(source: Path, dest: Path, steps: _Steps) -> Path:
    if not zipfile.is_zipfile(source):
        raise ModelInstallError(f"{source} is neither a folder nor a zip/wheel archive")
    with zipfile.ZipFile(source) as archive:
        members = archive.infolist()
        steps.start(sum(m.file_size for m in members))
        for member in members:
            target = dest / member.filename
            # Checked on the joined path: also refuses drive letters and roots on Windows.
            if not target.resolve().is_relative_to(dest.resolve()):
                raise ModelInstallError(f"{source}: unsafe path in archive: {member.filename}")
            if member.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as src, target.open("wb") as out:
                _copy_stream(src, out, steps)
    return dest


def _copy_folder(folder: Path, dest: Path, steps: _Steps) -> None:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    steps.start(sum(p.stat().st_size for p in files))
    for path in files:
        target = dest / path.relative_to(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        with path.open("rb") as src, target.open("wb") as out:
            _copy_stream(src, out, steps)
        shutil.copystat(path, target)


def _copy_stream(src: IO[bytes], out: IO[bytes], steps: _Steps) -> None:
    """Copy in chunks, so a cancel is noticed within one chunk even in a large file."""
    while chunk := src.read(_CHUNK_BYTES):
        out.write(chunk)
        steps.advance(len(chunk))


def _find_model_root(unpacked: Path, kind: ModelKind, entry: CatalogModel | None) -> Path:
    candidates = [unpacked]
    if entry:
        candidates.insert(0, unpacked / entry.archive_root)
    candidates += sorted(p for p in unpacked.rglob("*") if p.is_dir())
    for folder in candidates:
        if looks_like(kind, folder):
            return folder
    raise ModelInstallError(f"No {kind} model files found in {unpacked}")


def _write_manifest(folder: Path, name: str, kind: ModelKind, origin: str, steps: _Steps) -> None:
    files = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        steps.check()
        files[str(path.relative_to(folder))] = sha256_file(path)
    manifest = {
        "name": name,
        "kind": kind,
        "origin": origin,
        "installed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "sha256": files,
    }
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def verify_model(folder: Path) -> None:
    """Check every file against the sha256 recorded at install; raise naming the first bad one."""
    manifest_file = folder / MANIFEST_NAME
    if not manifest_file.is_file():
        raise ModelCorruptError(f"{folder} has no {MANIFEST_NAME}: reinstall the model")
    recorded: dict[str, str] = json.loads(manifest_file.read_text(encoding="utf-8"))["sha256"]
    for rel, expected in recorded.items():
        path = folder / rel
        if not path.is_file():
            raise ModelCorruptError(f"{path} is missing: reinstall the model")
        if sha256_file(path) != expected:
            raise ModelCorruptError(f"{path} does not match its recorded sha256: reinstall")


def installed_models(models_dir: Path) -> list[InstalledModel]:
    """Models installed into ``models_dir`` (with a manifest)."""
    found = []
    for manifest_file in sorted(models_dir.glob(f"*/{MANIFEST_NAME}")):
        data = json.loads(manifest_file.read_text(encoding="utf-8"))
        found.append(
            InstalledModel(data["name"], data["kind"], manifest_file.parent, data["origin"])
        )
    return found
