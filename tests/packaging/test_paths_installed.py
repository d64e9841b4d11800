"""Where the app finds its own files in a checkout, an installed wheel and the desktop build."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from agent_assist import paths
from tests.conftest import DEMO_CALL, REPO, SAMPLE_PACK


def test_a_checkout_reads_the_sample_pack_and_keeps_its_index_beside_src() -> None:
    assert paths.sample_pack_dir() == SAMPLE_PACK
    assert paths.default_index_root() == REPO / "kb_index" / "build"
    assert paths.demo_call_file() == DEMO_CALL
    assert paths.demo_call_file().is_file()


def test_an_installed_wheel_reads_the_copies_inside_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    # site-packages has no kb_index/ beside the package.
    monkeypatch.setattr(paths, "_SOURCE_ROOT", tmp_path / "site-packages")
    package = Path(paths.__file__).resolve().parent
    assert paths.sample_pack_dir() == package / "sample_pack"
    assert paths.default_index_root() == isolated_home / "data" / "index"
    assert paths.demo_call_file() == DEMO_CALL


def test_the_desktop_build_reads_its_bundle_and_writes_to_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    bundle = tmp_path / "agent-assist" / "_internal"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    # Even with a kb_index/ beside it (an unzipped build in a checkout), the bundle wins.
    monkeypatch.setattr(paths, "_SOURCE_ROOT", REPO)
    assert paths.sample_pack_dir() == bundle / "agent_assist" / "sample_pack"
    assert paths.demo_call_file() == bundle / "agent_assist" / "demo" / "demo_call.yaml"
    assert paths.default_index_root() == isolated_home / "data" / "index"
