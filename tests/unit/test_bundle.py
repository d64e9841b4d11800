"""Offline bundles: made from real packs, verified file by file, refused whole when damaged.

The model folders here have a model's layout with made-up content: the bundle only moves and
checks bytes. tests/integration/test_cli.py installs a bundle of the real models.
"""

from __future__ import annotations

import json
import shutil
import tomllib
import zipfile
from pathlib import Path

import pytest

from agent_assist.bundle import (
    MANIFEST,
    BundleContents,
    BundleError,
    BundleModel,
    BundlePack,
    contents_from_settings,
    create_bundle,
    extract_verified,
    install_bundle,
)
from agent_assist.config import AsrSettings, RetrievalSettings, Settings, load_layers
from agent_assist.errors import PackValidationError
from agent_assist.health import check_speech_model
from agent_assist.retrieval.pack import load_pack
from tests.conftest import SAMPLE_PACK


def _model_folder(root: Path, files: tuple[str, ...]) -> Path:
    for rel in files:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(rel.encode() * 5000)
    return root


@pytest.fixture
def contents(tmp_path: Path) -> BundleContents:
    speech = _model_folder(tmp_path / "src" / "vosk-cn", ("am/final.mdl", "conf/model.conf"))
    embedder = _model_folder(tmp_path / "src" / "use-ml", ("weights.npz", "sp.model"))
    settings = tmp_path / "team.toml"
    settings.write_text('[ui]\nlanguage = "zh_CN"\n[retrieval]\ntop_k = 2\n', encoding="utf-8")
    pack = load_pack(SAMPLE_PACK).manifest
    return BundleContents(
        models=[
            BundleModel("asr", "vosk-cn", speech),
            BundleModel("embedding", "use-ml", embedder),
        ],
        packs=[BundlePack(pack.id, pack.version, SAMPLE_PACK)],
        settings=settings,
    )


@pytest.fixture
def bundle(contents: BundleContents, tmp_path: Path) -> Path:
    create_bundle(contents, tmp_path / "out" / "workstation.zip")
    return tmp_path / "out" / "workstation.zip"


def _rewrite(bundle: Path, change: dict[str, bytes | None]) -> None:
    """Rewrite the zip (valid CRCs) with members replaced, added or (None) removed."""
    with zipfile.ZipFile(bundle) as old:
        members = {name: old.read(name) for name in old.namelist()}
    for name, data in change.items():
        if data is None:
            members.pop(name)
        else:
            members[name] = data
    with zipfile.ZipFile(bundle, "w") as new:
        for name, data in members.items():
            new.writestr(name, data)


def _installed_nothing(root: Path, settings_file: Path) -> bool:
    return (
        not (root / "models").exists()
        and not (root / "packs").exists()
        and (not settings_file.exists())
    )


def test_a_bundle_installs_models_packs_and_settings_that_load(
    bundle: Path, tmp_path: Path
) -> None:
    root, settings_file = tmp_path / "ws" / "data", tmp_path / "ws" / "settings.toml"
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text('[team]\nagent_id = "desk-7"\n', encoding="utf-8")
    report = install_bundle(bundle, root, settings_file)
    assert [p.name for p in report.models] == ["vosk-cn", "use-ml"]
    settings = load_layers(settings_file, tmp_path / "no-machine.toml").settings
    assert settings.team.agent_id == "desk-7"  # the user's own key is kept
    assert (settings.ui.language, settings.retrieval.top_k) == ("zh_CN", 2)  # the bundle's
    assert settings.asr.model == str(root / "models" / "vosk-cn")
    assert settings.retrieval.pack == root / "packs" / "sample-consumer-finance"
    assert load_pack(settings.retrieval.pack).manifest.id == "sample-consumer-finance"
    # Installed as `models install` does: `doctor` checks them against their sha256.
    check = check_speech_model(settings.asr, root / "models")
    assert check.ok and "every file matches its sha256" in check.detail
    assert list(root.glob(".bundle-*")) == []  # the staging folder is gone


def test_a_damaged_byte_is_named_and_nothing_is_installed(bundle: Path, tmp_path: Path) -> None:
    data = bytearray(bundle.read_bytes())
    with zipfile.ZipFile(bundle) as z:
        info = z.getinfo("models/use-ml/weights.npz")
    data[info.header_offset + 200] ^= 0xFF  # inside the member's compressed data
    bundle.write_bytes(bytes(data))
    root, settings_file = tmp_path / "ws", tmp_path / "ws-settings.toml"
    with pytest.raises(BundleError, match=r"models/use-ml/weights\.npz is damaged"):
        install_bundle(bundle, root, settings_file)
    assert _installed_nothing(root, settings_file)


def test_a_file_changed_after_the_bundle_was_made_is_named_and_refused(
    bundle: Path, tmp_path: Path
) -> None:
    _rewrite(bundle, {"packs/sample-consumer-finance/knowledge.yaml": b"entries: []\n"})
    root, settings_file = tmp_path / "ws", tmp_path / "ws-settings.toml"
    with pytest.raises(
        BundleError, match=r"knowledge\.yaml does not match its sha256.*nothing installed"
    ):
        install_bundle(bundle, root, settings_file)
    assert _installed_nothing(root, settings_file)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"models/vosk-cn/conf/model.conf": None}, r"model\.conf is listed but missing"),
        ({"models/vosk-cn/extra.bin": b"x"}, r"extra\.bin is not listed in bundle\.json"),
        ({MANIFEST: b"{not json"}, r"bundle\.json is damaged"),
        ({MANIFEST: None}, r"has no bundle\.json"),
    ],
)
def test_an_incomplete_or_padded_bundle_is_refused(
    bundle: Path, tmp_path: Path, change: dict[str, bytes | None], expected: str
) -> None:
    _rewrite(bundle, change)
    with pytest.raises(BundleError, match=expected):
        extract_verified(bundle, tmp_path / "staged")


def test_a_listed_path_outside_the_bundle_is_refused(bundle: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(bundle) as z:
        manifest = json.loads(z.read(MANIFEST))
    manifest["sha256"]["../../evil.txt"] = "0" * 64
    _rewrite(bundle, {MANIFEST: json.dumps(manifest).encode(), "../../evil.txt": b"x"})
    with pytest.raises(BundleError, match=r"\.\./\.\./evil\.txt points outside"):
        extract_verified(bundle, tmp_path / "staged" / "inner")
    assert not (tmp_path / "evil.txt").exists()


def test_a_broken_pack_is_not_bundled(contents: BundleContents, tmp_path: Path) -> None:
    broken = Path(shutil.copytree(SAMPLE_PACK, tmp_path / "broken"))
    (broken / "knowledge.yaml").write_text("entries:\n  - id: 1\n", encoding="utf-8")
    settings = Settings(
        asr=AsrSettings(engine="remote"),
        retrieval=RetrievalSettings(embedder=str(contents.models[1].source), pack=broken),
    )
    with pytest.raises(PackValidationError, match=r"knowledge\.yaml"):
        contents_from_settings(settings, tmp_path / "models")


def test_locks_install_only_into_the_machine_wide_file(
    contents: BundleContents, tmp_path: Path
) -> None:
    assert contents.settings is not None
    contents.settings.write_text('locked = ["privacy"]\n[ui]\nwidth_px = 500\n', encoding="utf-8")
    bundle = tmp_path / "locked.zip"
    create_bundle(contents, bundle)
    with pytest.raises(BundleError, match="--machine-wide"):
        install_bundle(bundle, tmp_path / "ws", tmp_path / "user.toml")
    machine = tmp_path / "machine.toml"
    install_bundle(bundle, tmp_path / "ws", machine, machine_wide=True)
    written = tomllib.loads(machine.read_text(encoding="utf-8"))
    assert written["locked"] == ["privacy"]
    assert load_layers(tmp_path / "user.toml", machine).is_locked("privacy", "keep_last_digits")


def test_installing_a_newer_bundle_replaces_the_pack(bundle: Path, tmp_path: Path) -> None:
    root, settings_file = tmp_path / "ws", tmp_path / "ws-settings.toml"
    install_bundle(bundle, root, settings_file)
    stale = root / "packs" / "sample-consumer-finance" / "stale.txt"
    stale.write_text("from the old version", encoding="utf-8")
    install_bundle(bundle, root, settings_file)
    assert not stale.exists()
    assert sorted(p.name for p in (root / "packs").iterdir()) == ["sample-consumer-finance"]
