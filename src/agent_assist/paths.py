"""Where agent-assist keeps settings, models, indexes and logs on this machine."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "agent-assist"
# A source checkout keeps the sample pack and its built index beside src/.
_SOURCE_ROOT = Path(__file__).resolve().parents[2]


def _home_override() -> Path | None:
    """``AGENT_ASSIST_HOME`` roots every folder below it (portable installs, tests)."""
    home = os.environ.get("AGENT_ASSIST_HOME")
    return Path(home) if home else None


def config_dir() -> Path:
    home = _home_override()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    home = _home_override()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP_NAME))


def log_dir() -> Path:
    home = _home_override()
    return home / "logs" if home else Path(platformdirs.user_log_dir(APP_NAME))


def settings_file() -> Path:
    """``AGENT_ASSIST_CONFIG`` names the settings file, else ``settings.toml`` in config_dir."""
    explicit = os.environ.get("AGENT_ASSIST_CONFIG")
    return Path(explicit) if explicit else config_dir() / "settings.toml"


def machine_settings_file() -> Path:
    """The machine-wide settings IT manages (and may lock): ``/etc/xdg/agent-assist`` on Linux,
    ``C:\\ProgramData\\agent-assist`` on Windows. No environment variable moves it: a user who
    could point it elsewhere could lift IT's locks."""
    return Path(platformdirs.site_config_dir(APP_NAME, appauthor=False)) / "settings.toml"


def models_dir() -> Path:
    """``AGENT_ASSIST_MODEL_DIR`` wins; otherwise ``models/`` in the data folder."""
    explicit = os.environ.get("AGENT_ASSIST_MODEL_DIR")
    return Path(explicit) if explicit else data_dir() / "models"


def _frozen() -> bool:
    """Whether this is the PyInstaller desktop build (packaging/agent-assist.spec)."""
    return bool(getattr(sys, "frozen", False))


def _in_checkout() -> bool:
    """Run from a source checkout. The desktop build never is, whatever lies beside it."""
    return not _frozen() and (_SOURCE_ROOT / "kb_index").is_dir()


def _package_dir() -> Path:
    """The files shipped with the package: ``agent_assist/`` in site-packages or src/, and in
    the desktop build the same folder below ``sys._MEIPASS`` (its ``_internal`` folder)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if _frozen() and bundle:
        return Path(bundle) / "agent_assist"
    return Path(__file__).resolve().parent


def sample_pack_dir() -> Path:
    """The sample script pack: ``kb_index/sample_pack`` in a checkout, else the copy that the
    wheel and the desktop build carry inside the package."""
    if _in_checkout():
        return _SOURCE_ROOT / "kb_index" / "sample_pack"
    return _package_dir() / "sample_pack"


def default_index_root() -> Path:
    """Built indexes go to ``kb_index/build`` in a checkout, else to the data folder (never
    into the install folder, which is read-only on a locked-down workstation)."""
    if _in_checkout():
        return _SOURCE_ROOT / "kb_index" / "build"
    return data_dir() / "index"


def demo_call_file() -> Path:
    return _package_dir() / "demo" / "demo_call.yaml"


def cache_dir() -> Path:
    """Rebuildable data (evaluation indexes)."""
    home = _home_override()
    return home / "cache" if home else Path(platformdirs.user_cache_dir(APP_NAME))


def shared_eval_assets() -> Path:
    """The public evaluation question sets, beside a source checkout (``../shared``)."""
    explicit = os.environ.get("AGENT_ASSIST_SHARED_ASSETS")
    assets = Path(explicit) if explicit else _SOURCE_ROOT.parent / "shared" / "assets"
    return assets / "eval"


def sample_queries_file() -> Path:
    """The labelled caller phrasings for the sample pack (in a source checkout)."""
    return _SOURCE_ROOT / "tests" / "data" / "sample_pack_queries.yaml"


def guidance_eval_dir() -> Path:
    """Labelled sets for ``eval guidance`` (in a source checkout)."""
    return _SOURCE_ROOT / "tests" / "data" / "guidance"
