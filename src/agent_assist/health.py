"""Checks that this workstation can run the assist: settings, models, packs, index, audio,
the network listener, data and log folders; and, for ``agent-assist doctor``, Python and Qt.

Each check is quick (no model is loaded, no index searched; installed models are hashed
against their recorded sha256) and never raises: what goes wrong inside one becomes a failed
check carrying the message. The first-run dialog and the ``doctor`` command show the same list.
"""

from __future__ import annotations

import importlib
import ipaddress
import logging
import platform
import socket
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from agent_assist import paths
from agent_assist.config import (
    AsrSettings,
    AudioSettings,
    IngestSettings,
    RetrievalSettings,
    Settings,
    SettingsLayers,
    TrustSettings,
)
from agent_assist.errors import (
    AgentAssistError,
    ModelCorruptError,
    ModelMissingError,
    PackValidationError,
)
from agent_assist.models.catalog import CATALOG, ModelKind
from agent_assist.models.install import (
    MANIFEST_NAME,
    InstalledModel,
    install_instructions,
    resolve_model,
    verify_model,
)
from agent_assist.retrieval.embedder import fingerprint
from agent_assist.retrieval.index import is_stale, read_build
from agent_assist.retrieval.pack import ScriptPack
from agent_assist.retrieval.pack_signing import PackTrustError
from agent_assist.speech.sources.capture import CaptureDevice, matching_devices

logger = logging.getLogger(__name__)

Severity = Literal["error", "warning"]
# Lists capture devices; injected so tests and tools need no sound system.
DeviceLister = Callable[[], list[CaptureDevice]]

SPEECH_MODEL = "Speech model"
EMBEDDING_MODEL = "Embedding model"
SCRIPT_PACK = "Script pack"
SEARCH_INDEX = "Search index"
MICROPHONE = "Microphone"
LOOPBACK = "Loopback (customer side)"
NETWORK_TOKEN = "Network stream token"
LISTENER = "Network listener"
DATA_FOLDER = "Data folder"
LOG_FOLDER = "Log folder"
CALL_RECORD = "Call record"
SETTINGS = "Settings"
PYTHON = "Python"
QT = "Qt"
MIN_PYTHON = (3, 11)
# PySide6 6.12.0 on Python 3.11 drops a reference to None on every void call (see pyproject).
BROKEN_PYSIDE = {((3, 11), "6.12.0")}
# A broken pack can have hundreds of problems; the first ones are enough to act on.
MAX_PACK_PROBLEMS = 20


@dataclass(frozen=True, slots=True)
class Check:
    """The outcome of one check; ``fix`` says in plain words what to do when it failed.

    ``model_to_install`` names a catalog model whose install would fix it.
    """

    name: str
    ok: bool
    severity: Severity
    detail: str
    fix: str = ""
    model_to_install: str | None = None


def run_checks(
    settings: Settings,
    models_dir: Path,
    list_devices: DeviceLister | None = None,
    layers: SettingsLayers | None = None,
) -> list[Check]:
    """Every check of this workstation's setup, in the order a person would fix them."""
    return [
        *([check_settings(layers)] if layers is not None else []),
        guarded(SPEECH_MODEL, "error", lambda: check_speech_model(settings.asr, models_dir)),
        guarded(EMBEDDING_MODEL, "error", lambda: check_embedder(settings.retrieval, models_dir)),
        *pack_and_index_checks(settings.retrieval, models_dir, settings.trust),
        *audio_checks(settings, list_devices or system_devices),
        guarded(LISTENER, "error", lambda: check_listener(settings)),
        guarded(DATA_FOLDER, "error", lambda: check_data_folder(paths.data_dir())),
        guarded(CALL_RECORD, "error", lambda: check_record(settings)),
        guarded(LOG_FOLDER, "warning", lambda: check_log_folder(paths.log_dir())),
    ]


def runtime_checks() -> list[Check]:
    """The Python and Qt this copy of agent-assist runs on (the panel shows only if they work)."""
    return [guarded(PYTHON, "error", check_python), guarded(QT, "error", check_qt)]


def has_errors(checks: Sequence[Check]) -> bool:
    return any(not c.ok and c.severity == "error" for c in checks)


def guarded(name: str, severity: Severity, check: Callable[[], Check]) -> Check:
    """Run ``check``; an exception inside it becomes a failed check."""
    try:
        return check()
    except Exception as exc:  # noqa: BLE001 - a check reports what went wrong, never raises
        return _unexpected(name, severity, exc)


def _unexpected(name: str, severity: Severity, exc: Exception) -> Check:
    logger.warning("check %r failed unexpectedly", name, exc_info=exc)
    detail = f"The check itself failed: {exc}"
    return Check(name, False, severity, detail, "This is unexpected: send the log to IT.")


def check_settings(layers: SettingsLayers) -> Check:
    """Which files the settings came from; a locked key set in vain is worth knowing."""
    machine = layers.machine_file
    where = [
        f"machine-wide {machine}" + ("" if machine.is_file() else " (none)"),
        f"user {layers.user_file}" + ("" if layers.user_file.is_file() else " (none)"),
    ]
    detail = "Read from " + ", ".join(where)
    if layers.locked:
        detail += f"; {len(layers.locked)} setting(s) locked by IT"
    if layers.ignored:
        fix = "Remove these from the user's settings or environment: IT's values apply."
        return Check(SETTINGS, False, "warning", "\n".join(layers.ignored), fix)
    return Check(SETTINGS, True, "error", detail)


def check_python() -> Check:
    version = ".".join(map(str, sys.version_info[:3]))
    bits = "64-bit" if sys.maxsize > 2**32 else "32-bit"
    build = "bundled with the app" if getattr(sys, "frozen", False) else sys.executable
    detail = f"{version} {bits} ({build}) on {platform.platform(terse=True)}"
    if sys.version_info[:2] < MIN_PYTHON or bits == "32-bit":
        fix = "Install agent-assist with a 64-bit Python 3.11 or newer (or use the desktop build)."
        return Check(PYTHON, False, "error", detail, fix)
    return Check(PYTHON, True, "error", detail)


def check_qt() -> Check:
    """Qt's libraries load (a missing system library is the usual failure on Linux)."""
    try:
        pyside = importlib.import_module("PySide6")
        qt_core = importlib.import_module("PySide6.QtCore")
        importlib.import_module("PySide6.QtWidgets")
    except ImportError as exc:
        fix = (
            "Reinstall agent-assist. On Linux install Qt's system libraries: libegl1 libgl1 "
            "libxkbcommon0 libfontconfig1 libdbus-1-3 (and libxcb-cursor0 for X11)."
        )
        return Check(QT, False, "error", f"Qt's libraries cannot load: {exc}", fix)
    version = pyside.__version__
    detail = f"PySide6 {version} (Qt {qt_core.qVersion()})"
    if (sys.version_info[:2], version) in BROKEN_PYSIDE:
        fix = "Install another PySide6 version: pip install 'pyside6-essentials!=6.12.0'."
        return Check(QT, False, "error", f"{detail} crashes on this Python during calls", fix)
    return Check(QT, True, "error", detail)


def check_speech_model(asr: AsrSettings, models_dir: Path) -> Check:
    if asr.engine == "remote":
        detail = f"Recognition runs on the speech server at {asr.remote_url}; no local model."
        return Check(SPEECH_MODEL, True, "error", detail)
    return _model_check(SPEECH_MODEL, asr.model, "asr", models_dir)


def check_embedder(retrieval: RetrievalSettings, models_dir: Path) -> Check:
    return _model_check(EMBEDDING_MODEL, retrieval.embedder, "embedding", models_dir)


def _model_check(name: str, wanted: str, kind: ModelKind, models_dir: Path) -> Check:
    try:
        model = resolve_model(wanted, kind, models_dir)
    except ModelMissingError:
        entry = CATALOG.get(wanted)
        if entry is not None and entry.kind == kind:
            detail = f"{wanted} is not installed (looked in {models_dir})."
            return Check(name, False, "error", detail, install_instructions(wanted), wanted)
        detail = f"{wanted!r} is neither a known model nor a folder with {kind} model files."
        fix = "Choose an installed model, or the folder of one, in Settings."
        return Check(name, False, "error", detail, fix)
    return _checksums_check(name, model)


def _checksums_check(name: str, model: InstalledModel) -> Check:
    """An installed model's files against the sha256 sums recorded when it was installed."""
    detail = f"{model.name} ({model.origin}: {model.path})"
    if not (model.path / MANIFEST_NAME).is_file():
        return Check(
            name, True, "error", f"{detail}; no checksums recorded (not installed by agent-assist)"
        )
    try:
        verify_model(model.path)
    except ModelCorruptError as exc:
        fix = f"Reinstall it: {install_instructions(model.name)}"
        return Check(
            name, False, "error", str(exc), fix, model.name if model.name in CATALOG else None
        )
    return Check(name, True, "error", f"{detail}; every file matches its sha256")


def pack_and_index_checks(
    retrieval: RetrievalSettings, models_dir: Path, trust: TrustSettings | None = None
) -> list[Check]:
    """The pack(s) load (signed by a trusted key, if IT requires it); the index is then
    checked against them."""
    try:
        pack_check, pack = check_pack(retrieval, trust or TrustSettings())
    except Exception as exc:  # noqa: BLE001 - as in _guarded
        pack_check, pack = _unexpected(SCRIPT_PACK, "error", exc), None
    if pack is None:
        return [pack_check, Check(SEARCH_INDEX, False, "warning", "Not checked: no pack loaded.")]
    index_check = guarded(SEARCH_INDEX, "error", lambda: check_index(retrieval, pack, models_dir))
    return [pack_check, index_check]


def check_pack(
    retrieval: RetrievalSettings, trust: TrustSettings
) -> tuple[Check, ScriptPack | None]:
    """The base pack and team packs, merged as the panel loads them."""
    # Imported here: services pulls in the guidance classifier (scikit-learn, ~2 s to import),
    # which the audio and model checks do not need.
    from agent_assist.services import load_configured_pack

    try:
        pack = load_configured_pack(retrieval, trust)
    except PackValidationError as exc:
        return _broken_pack(exc.problems), None
    except PackTrustError as exc:
        fix = (
            "Ask the team lead for the pack signed with their key (`agent-assist pack sign`), "
            "or IT to add the signer's public key to [trust] pack_keys."
        )
        return Check(SCRIPT_PACK, False, "error", str(exc), fix), None
    return _pack_loaded(pack, retrieval), pack


def _broken_pack(problems: list[str]) -> Check:
    shown = problems[:MAX_PACK_PROBLEMS]
    if len(problems) > len(shown):
        shown.append(f"… and {len(problems) - len(shown)} more")
    fix = (
        "Correct these lines in the pack files (`agent-assist pack validate PATH` lists "
        "them all), or choose another pack in Settings."
    )
    return Check(SCRIPT_PACK, False, "error", "\n".join(shown), fix)


def _pack_loaded(pack: ScriptPack, retrieval: RetrievalSettings) -> Check:
    manifest = pack.manifest
    detail = (
        f"{manifest.title} ({manifest.id} {manifest.version}): "
        f"{len(pack.entries)} knowledge entries, {len(pack.scripts)} scripts"
    )
    if retrieval.team_packs:
        detail += f", with {len(retrieval.team_packs)} team pack(s)"
    return Check(SCRIPT_PACK, True, "error", detail)


def check_index(retrieval: RetrievalSettings, pack: ScriptPack, models_dir: Path) -> Check:
    """The index the panel would load: built, for this pack, with the configured embedder."""
    from agent_assist.services import index_dir_for

    index_dir = index_dir_for(retrieval, pack)
    build = read_build(index_dir)
    if build is None:
        detail = f"No index in {index_dir} yet: it is built when the panel first starts."
        fix = "Nothing to do (the first start takes longer), or run `agent-assist pack build`."
        return Check(SEARCH_INDEX, False, "warning", detail, fix)
    mismatch = _built_with_another_embedder(build, retrieval, models_dir)
    if mismatch:
        fix = "Rebuild it with `agent-assist pack build`, or set the embedder it was built with."
        return Check(SEARCH_INDEX, False, "error", f"The index in {index_dir} {mismatch}", fix)
    if is_stale(build, pack):
        detail = "The pack changed since the index was built: it is rebuilt at the next start."
        fix = "Nothing to do, or run `agent-assist pack build` to save time at start."
        return Check(SEARCH_INDEX, False, "warning", detail, fix)
    return Check(SEARCH_INDEX, True, "error", f"Built {build.get('built_at', '')} in {index_dir}")


def _built_with_another_embedder(
    build: dict[str, Any], retrieval: RetrievalSettings, models_dir: Path
) -> str:
    """What differs, or "" (also when the embedder is missing: its own check says so)."""
    try:
        model = resolve_model(retrieval.embedder, "embedding", models_dir)
    except ModelMissingError:
        return ""
    built_with = str(build["embedder"]["model_id"])
    if built_with.rsplit("@", 1)[-1] == fingerprint(model.path):
        return ""
    return f"was built with {built_with}, not with the configured embedding model {model.name}."


def audio_checks(settings: Settings, list_devices: DeviceLister) -> list[Check]:
    """The network source needs its token; local capture needs a microphone and loopback."""
    if settings.audio.source == "network":
        return [guarded(NETWORK_TOKEN, "error", lambda: check_network_token(settings))]
    try:
        devices = list_devices()
    except Exception as exc:  # noqa: BLE001 - sound systems fail in many ways; replay still works
        logger.info("no capture devices: %s", exc)
        return [_no_sound_system(name, exc) for name in (MICROPHONE, LOOPBACK)]
    return [
        guarded(MICROPHONE, "warning", lambda: _device_check(settings.audio, devices, False)),
        guarded(LOOPBACK, "warning", lambda: _device_check(settings.audio, devices, True)),
    ]


def check_network_token(settings: Settings) -> Check:
    ingest = settings.ingest
    if ingest.token is None or not ingest.token.get_secret_value():
        detail = "The network source is chosen, but the stream server has no token."
        fix = (
            "Set [ingest] token in the settings file (a long random secret) and give the same "
            "token to the telephony platform."
        )
        return Check(NETWORK_TOKEN, False, "error", detail, fix)
    url = f"ws://{ingest.host}:{ingest.port}{ingest.path}"
    return Check(NETWORK_TOKEN, True, "error", f"Calls are streamed to {url} with a token.")


def check_listener(settings: Settings) -> Check:
    """The stream server can listen where configured, and says so when it is not loopback."""
    ingest = settings.ingest
    if settings.audio.source != "network":
        return Check(LISTENER, True, "error", "Not listening: calls come from this PC's audio.")
    address = f"{ingest.host}:{ingest.port}"
    if ingest.port:
        try:
            _try_listening(ingest)
        except OSError as exc:
            fix = (
                "Close the program using the port (is the panel already open?), or choose "
                "another [ingest] port and give it to the telephony platform."
            )
            return Check(LISTENER, False, "error", f"Cannot listen on {address}: {exc}", fix)
    if not _is_loopback(ingest.host):
        detail = f"Listens on {address}: other computers can connect (the token is required)."
        fix = (
            "Keep [ingest] host = 127.0.0.1 unless the telephony platform streams from another "
            "computer; then allow only that computer in the firewall."
        )
        return Check(LISTENER, False, "warning", detail, fix)
    return Check(LISTENER, True, "error", f"{address}, this computer only")


def _try_listening(ingest: IngestSettings) -> None:
    family, kind, proto, _name, address = socket.getaddrinfo(
        ingest.host, ingest.port, type=socket.SOCK_STREAM
    )[0]
    with socket.socket(family, kind, proto) as probe:
        probe.bind(address)
        probe.listen(1)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def system_devices() -> list[CaptureDevice]:
    """The capture devices of this machine's sound system (soundcard)."""
    from agent_assist.speech.sources.capture import list_devices

    return list_devices()


def _no_sound_system(name: str, exc: Exception) -> Check:
    fix = (
        "Live calls need the sound system (PulseAudio/PipeWire on Linux, the audio service on "
        "Windows) and a headset. Replaying calls works without."
    )
    return Check(name, False, "warning", f"No audio devices could be listed: {exc}", fix)


def _device_check(audio: AudioSettings, devices: list[CaptureDevice], loopback: bool) -> Check:
    name = LOOPBACK if loopback else MICROPHONE
    wanted = audio.loopback if loopback else audio.microphone
    candidates = [d for d in devices if d.loopback == loopback]
    kind = "loopback source" if loopback else "microphone"
    if wanted is None and candidates:
        return Check(name, True, "warning", f"System default ({len(candidates)} {kind}(s) found)")
    if wanted is None:
        fix = "Plug in the headset, or check that the softphone's output device is active."
        return Check(name, False, "warning", f"No {kind} found.", fix)
    matches = matching_devices(wanted, candidates)
    if len(matches) == 1:
        return Check(name, True, "warning", f"{matches[0].name} [{matches[0].id}]")
    problem = "matches several" if matches else "matches no"
    available = ", ".join(d.name for d in candidates) or "none"
    detail = f"{wanted!r} {problem} {kind}; available: {available}."
    fix = "Pick the device in Settings (Audio); `agent-assist devices` lists them."
    return Check(name, False, "warning", detail, fix)


def check_data_folder(folder: Path) -> Check:
    """The call record, installed models and built indexes are written here."""
    return _writable_check(DATA_FOLDER, "error", folder)


def check_record(settings: Settings) -> Check:
    """The record opens as configured (encrypted: the key is in the OS keyring)."""
    from agent_assist.record.store import CallStore

    record = settings.record
    if not record.enabled:
        return Check(CALL_RECORD, True, "error", "Off: no call is recorded (record.enabled).")
    try:
        store = CallStore(
            record.database, settings.privacy.keep_last_digits, encrypt=record.encrypt
        )
    except AgentAssistError as exc:
        fix = "Without it calls get no guidance record: fix what the message names, or ask IT."
        return Check(CALL_RECORD, False, "error", str(exc), fix)
    store.close()
    sealed = ", encrypted with the key in the OS keyring" if record.encrypt else ""
    return Check(CALL_RECORD, True, "error", f"{record.database}{sealed}")


def check_log_folder(folder: Path) -> Check:
    """Without it the app runs, but nobody can tell afterwards what went wrong."""
    return _writable_check(LOG_FOLDER, "warning", folder)


def _writable_check(name: str, severity: Severity, folder: Path) -> Check:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        detail = f"{folder} cannot be written: {exc.strerror or exc}."
        fix = "Ask IT to give this user write access to it (or set AGENT_ASSIST_HOME)."
        return Check(name, False, severity, detail, fix)
    return Check(name, True, severity, str(folder))
