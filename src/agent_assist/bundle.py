"""Offline bundles: the models, script packs and settings of a workstation in one zip.

IT builds a bundle once (``agent-assist bundle create``) and installs it on machines without
internet (``agent-assist bundle install``). ``bundle.json`` lists every other file of the zip
with its sha256. Installing verifies every file before anything is installed: a file that
is damaged, missing or not listed is named and the whole bundle refused. Models are then
installed as ``models install`` does (with their own checksums for ``doctor``), packs are
checked like ``pack validate``, and settings point at what was installed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import tempfile
import tomllib
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import tomli_w

from agent_assist import __version__
from agent_assist.atomic_file import replace_path, write_text_atomically
from agent_assist.config import LOCK_KEY, Settings, check_document
from agent_assist.errors import AgentAssistError
from agent_assist.models.catalog import ModelKind
from agent_assist.models.install import MANIFEST_NAME, install_model, resolve_model
from agent_assist.retrieval.pack import DISTRIBUTED_FILES, load_pack

logger = logging.getLogger(__name__)

MANIFEST = "bundle.json"
FORMAT = 1
SETTINGS_MEMBER = "settings/settings.toml"
_CHUNK_BYTES = 1 << 20
# (bytes done, bytes total) → None, for a progress bar.
Progress = Callable[[int, int], None]


class BundleError(AgentAssistError):
    """A bundle cannot be made, or is damaged or incomplete; nothing was installed."""


@dataclass(frozen=True)
class BundleModel:
    role: ModelKind  # "asr" or "embedding"
    name: str
    source: Path


@dataclass(frozen=True)
class BundlePack:
    id: str
    version: str
    source: Path  # a pack folder or zip


@dataclass
class BundleContents:
    models: list[BundleModel] = field(default_factory=list)
    packs: list[BundlePack] = field(default_factory=list)  # the base pack first
    settings: Path | None = None


@dataclass(frozen=True)
class InstallReport:
    models: tuple[Path, ...]
    packs: tuple[Path, ...]
    settings_file: Path | None


# -- create ----------------------------------------------------------------------------------
def contents_from_settings(
    settings: Settings, models_dir: Path, settings_file: Path | None = None
) -> BundleContents:
    """What this workstation runs with: its speech model (if local), embedder and packs."""
    contents = BundleContents(settings=settings_file)
    wanted: list[tuple[ModelKind, str]] = [("embedding", settings.retrieval.embedder)]
    if settings.asr.engine == "local":
        wanted.insert(0, ("asr", settings.asr.model))
    for kind, name in wanted:
        model = resolve_model(name, kind, models_dir)
        contents.models.append(BundleModel(kind, model.name, model.path))
    for path in (settings.retrieval.pack, *settings.retrieval.team_packs):
        contents.packs.append(_bundle_pack(path))
    return contents


def _bundle_pack(path: Path) -> BundlePack:
    """Only a pack that validates goes into a bundle (``load_pack`` says why not)."""
    manifest = load_pack(path).manifest
    return BundlePack(manifest.id, manifest.version, path)


def create_bundle(
    contents: BundleContents, archive: Path, progress: Progress | None = None
) -> dict[str, Any]:
    """Write ``archive`` (written beside, renamed when complete); returns its manifest."""
    files = list(_bundle_files(contents))
    total = sum(source.stat().st_size for _member, source in files)
    report = progress or (lambda _done, _total: None)
    sums: dict[str, str] = {}
    archive.parent.mkdir(parents=True, exist_ok=True)
    partial = archive.with_name(f".{archive.name}.partial")
    done = 0
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as out:
            for member, source in files:
                sums[member] = _copy_into(out, member, source)
                done += source.stat().st_size
                report(done, total)
            manifest = _manifest(contents, sums)
            out.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        partial.replace(archive)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BundleError(f"Cannot write the bundle {archive}: {exc}") from exc
    logger.info("bundle written: %s (%d files)", archive, len(sums))
    return manifest


def _bundle_files(contents: BundleContents) -> Iterable[tuple[str, Path]]:
    for model in contents.models:
        for file in sorted(p for p in model.source.rglob("*") if p.is_file()):
            if file.name != MANIFEST_NAME:  # install writes its own
                yield f"models/{model.name}/{file.relative_to(model.source).as_posix()}", file
    for pack in contents.packs:
        if pack.source.is_file():
            yield f"packs/{pack.id}.zip", pack.source
            continue
        for name in DISTRIBUTED_FILES:
            if (pack.source / name).is_file():
                yield f"packs/{pack.id}/{name}", pack.source / name
    if contents.settings is not None:
        _read_settings(contents.settings, str(contents.settings))
        yield SETTINGS_MEMBER, contents.settings


def _copy_into(out: zipfile.ZipFile, member: str, source: Path) -> str:
    digest = hashlib.sha256()
    with source.open("rb") as src, out.open(member, "w", force_zip64=True) as dst:
        while chunk := src.read(_CHUNK_BYTES):
            digest.update(chunk)
            dst.write(chunk)
    return digest.hexdigest()


def _manifest(contents: BundleContents, sums: dict[str, str]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "agent_assist": __version__,
        "models": [{"role": m.role, "name": m.name} for m in contents.models],
        "packs": [
            {"id": p.id, "version": p.version, "zip": p.source.is_file()} for p in contents.packs
        ],
        "settings": contents.settings is not None,
        "sha256": sums,
    }


# -- install ---------------------------------------------------------------------------------
def install_bundle(
    archive: Path,
    root: Path,
    settings_file: Path,
    progress: Progress | None = None,
    *,
    machine_wide: bool = False,
) -> InstallReport:
    """Verify ``archive`` completely, then install models into ``root/models``, packs into
    ``root/packs`` and point ``settings_file`` at them (other keys in it are kept).

    Only a machine-wide settings file may take the bundle's ``locked`` keys."""
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root, prefix=".bundle-") as tmp:
        staged = Path(tmp)
        manifest = extract_verified(archive, staged, progress)
        if not machine_wide:
            _refuse_locks(staged, archive)
        packs = _install_packs(manifest, staged, root / "packs")
        models = _install_models(manifest, staged, root / "models")
        written = _write_settings(manifest, staged, settings_file, models, packs)
    return InstallReport(tuple(models.values()), tuple(packs), written)


def extract_verified(archive: Path, into: Path, progress: Progress | None = None) -> dict[str, Any]:
    """Unpack every listed file into ``into``, checking its sha256; raise naming the first
    file that is damaged, missing or unexpected."""
    report = progress or (lambda _done, _total: None)
    try:
        with zipfile.ZipFile(archive) as bundle:
            manifest = _read_manifest(bundle, archive)
            sums: dict[str, str] = manifest["sha256"]
            _check_member_list(bundle, sums, archive)
            total = sum(bundle.getinfo(m).file_size for m in sums)
            done = 0
            for member, expected in sums.items():
                _extract_one(bundle, member, expected, into, archive)
                done += bundle.getinfo(member).file_size
                report(done, total)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BundleError(f"{archive} is not a readable bundle (zip): {exc}") from exc
    return manifest


def _read_manifest(bundle: zipfile.ZipFile, archive: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(bundle.read(MANIFEST))
    except KeyError:
        raise BundleError(
            f"{archive} has no {MANIFEST}: it is not an agent-assist bundle"
        ) from None
    except (ValueError, zipfile.BadZipFile) as exc:
        raise BundleError(f"{archive}: {MANIFEST} is damaged ({exc}); copy it again") from exc
    found = manifest.get("format") if isinstance(manifest, dict) else None
    if found != FORMAT:
        raise BundleError(
            f"{archive}: bundle format {found} is not {FORMAT}; make the bundle with this "
            "version of agent-assist"
        )
    sums = manifest.get("sha256")
    if not isinstance(sums, dict) or not all(isinstance(v, str) for v in sums.values()):
        raise BundleError(f"{archive}: {MANIFEST} has no list of sha256 sums")
    return manifest


def _check_member_list(bundle: zipfile.ZipFile, sums: dict[str, str], archive: Path) -> None:
    present = {name for name in bundle.namelist() if not name.endswith("/")} - {MANIFEST}
    for member in sums:
        _safe_member(member, archive)
    if missing := sorted(set(sums) - present):
        raise BundleError(f"{archive}: {missing[0]} is listed but missing; copy it again")
    if unexpected := sorted(present - set(sums)):
        raise BundleError(
            f"{archive}: {unexpected[0]} is not listed in {MANIFEST}: the bundle was changed "
            "after it was made; refused"
        )


def _safe_member(member: str, archive: Path) -> None:
    path = PurePosixPath(member)
    if path.is_absolute() or ".." in path.parts or "\\" in member or ":" in member:
        raise BundleError(f"{archive}: {member} points outside the bundle; refused")


def _extract_one(
    bundle: zipfile.ZipFile, member: str, expected: str, into: Path, archive: Path
) -> None:
    target = into / member
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    try:
        with bundle.open(member) as src, target.open("wb") as dst:
            while chunk := src.read(_CHUNK_BYTES):
                digest.update(chunk)
                dst.write(chunk)
    except zipfile.BadZipFile as exc:  # the zip's own CRC caught it first
        raise BundleError(f"{archive}: {member} is damaged ({exc}); copy the bundle again") from exc
    if digest.hexdigest() != expected:
        raise BundleError(
            f"{archive}: {member} does not match its sha256 in {MANIFEST} "
            f"({digest.hexdigest()[:12]}… instead of {expected[:12]}…): the bundle is damaged "
            "or was changed; refused, nothing installed"
        )


def _install_packs(manifest: dict[str, Any], staged: Path, packs_dir: Path) -> list[Path]:
    """Every pack must validate before any is put in place."""
    sources = [
        staged / "packs" / (f"{p['id']}.zip" if p.get("zip") else str(p["id"]))
        for p in manifest.get("packs", [])
    ]
    for source in sources:
        load_pack(source)  # PackValidationError names the file, line and field
    installed = []
    packs_dir.mkdir(parents=True, exist_ok=True)
    for source in sources:
        target = packs_dir / source.name
        replace_path(source, target)
        installed.append(target)
    return installed


def _install_models(manifest: dict[str, Any], staged: Path, models_dir: Path) -> dict[str, Path]:
    installed = {}
    for model in manifest.get("models", []):
        name, role = str(model["name"]), model["role"]
        folder = install_model(name, models_dir, source=staged / "models" / name, kind=role)
        installed[role] = folder.path
    return installed


def _write_settings(
    manifest: dict[str, Any],
    staged: Path,
    settings_file: Path,
    models: dict[str, Path],
    packs: list[Path],
) -> Path:
    """The bundle's settings over the file's own (other keys kept), pointed at what was
    installed; written only if the result is valid."""
    document = _read_settings(settings_file, str(settings_file)) if settings_file.is_file() else {}
    if manifest.get("settings"):
        for name, value in _read_settings(staged / SETTINGS_MEMBER, SETTINGS_MEMBER).items():
            if isinstance(value, dict):
                document.setdefault(name, {}).update(value)
            else:
                document[name] = value
    installed = {
        ("asr", "model"): models.get("asr"),
        ("retrieval", "embedder"): models.get("embedding"),
        ("retrieval", "pack"): packs[0] if packs else None,
    }
    for (section, key), value in installed.items():
        if value is not None:
            document.setdefault(section, {})[key] = str(value)
    if len(packs) > 1:
        document.setdefault("retrieval", {})["team_packs"] = [str(p) for p in packs[1:]]
    check_document(document, settings_file)
    write_text_atomically(settings_file, tomli_w.dumps(document))
    return settings_file


def _refuse_locks(staged: Path, archive: Path) -> None:
    bundled = staged / SETTINGS_MEMBER
    if bundled.is_file() and LOCK_KEY in _read_settings(bundled, SETTINGS_MEMBER):
        raise BundleError(
            f"{archive}: its settings lock keys, which only the machine-wide file can: install "
            "it with --machine-wide (as IT), or make the bundle without 'locked'"
        )


def _read_settings(file: Path, label: str) -> dict[str, Any]:
    try:
        document = tomllib.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BundleError(f"{label} is not valid TOML: {exc}") from exc
    check_document(document, label)
    return document
