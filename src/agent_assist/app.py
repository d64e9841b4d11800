"""Composition root: builds the services, the controller and the panel, and wires them."""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QApplication

from agent_assist import paths
from agent_assist.call_session import CallSession, metadata_from
from agent_assist.call_sources import open_live, open_replay
from agent_assist.config import Settings
from agent_assist.errors import AgentAssistError
from agent_assist.pipeline.controller import AssistController, CallState
from agent_assist.record.store import CallStore
from agent_assist.retrieval.pack_feed import PublishedPacks
from agent_assist.retrieval.pack_watch import PackWatcher
from agent_assist.services import AssistServices, LoadProgress, load_services
from agent_assist.team_status import publish_status
from agent_assist.ui.audio_bar import AudioChoice
from agent_assist.ui.i18n import install_translation, interface_language
from agent_assist.ui.main_window import MainWindow
from agent_assist.ui.setup_dialogs import SetupDialogs
from agent_assist.ui.window_place import WindowPlace

logger = logging.getLogger(__name__)


LIVE = "live"
# The panel's last size and place, and whether it stays on top (the agent's choice).
WINDOW_FILE = "window.ini"


class CallStarter(QObject):
    """Starts the calls the agent asks for (and an initial one) once the controller is ready.

    ``pending`` is a file to replay or ``LIVE`` for the live source in the settings.
    """

    def __init__(self, controller: AssistController, settings: Settings, realtime: bool) -> None:
        super().__init__(controller)
        self._controller = controller
        self._settings = settings
        self._realtime = realtime
        self._audio = settings.audio
        self.pending: Path | str | None = None

    @Slot(object)
    def _on_controller_state_changed(self, state: CallState) -> None:
        if state is CallState.READY and self.pending is not None:
            pending, self.pending = self.pending, None
            if pending == LIVE:
                self.start_live()
            else:
                self.start(Path(pending))

    @Slot(object)
    def use_settings(self, settings: Settings) -> None:
        """Saved in the settings dialog: audio and speech apply from the next call."""
        self._settings = settings
        self._audio = settings.audio

    @Slot(object)
    def choose_audio(self, choice: AudioChoice) -> None:
        """The next call uses the agent's choice of source, devices and channel swap."""
        self._audio = choice.applied_to(self._settings.audio)

    def _call_settings(self) -> Settings:
        return self._settings.model_copy(update={"audio": self._audio})

    @Slot(Path)
    def start(self, file: Path) -> None:
        logger.info("replaying %s", file.name)
        self._controller.start_call(
            partial(
                open_replay,
                file,
                self._call_settings(),
                paths.models_dir(),
                self._realtime,
                self._pack_terms(),
            )
        )

    @Slot()
    def start_live(self) -> None:
        logger.info("starting a live call from %s", self._audio.source)
        self._controller.start_call(
            partial(open_live, self._call_settings(), paths.models_dir(), self._pack_terms())
        )

    def _pack_terms(self) -> tuple[str, ...]:
        services = self._controller.services
        return services.pack.manifest.terms if services is not None else ()


def build_panel(
    settings: Settings,
    replay: Path | str | None = None,
    realtime: bool = True,
    locked: frozenset[str] = frozenset(),
) -> tuple[AssistController, MainWindow]:
    """Create the controller and window, start loading; once ready, replay ``replay``
    (a file, or ``LIVE`` for the live source in the settings)."""
    store = record_opener(settings)
    controller = AssistController(
        settings.retrieval,
        session_for=partial(session_for, settings, store),
        store=store,
        mask_live=settings.privacy.mask_live_transcript,
        keep_last=settings.privacy.keep_last_digits,
    )
    window = MainWindow(
        controller,
        settings.ui,
        WindowPlace(paths.config_dir() / WINDOW_FILE),
        AudioChoice.from_settings(settings.audio),
        speech_model=speech_model_name(settings),
    )
    starter = CallStarter(controller, settings, realtime)
    starter.pending = replay
    # Queued: start the call after every view has seen READY, not in the middle of it.
    controller.state_changed.connect(
        starter._on_controller_state_changed, Qt.ConnectionType.QueuedConnection
    )
    window.replay_requested.connect(starter.start)
    window.live_requested.connect(starter.start_live)
    window.audio_changed.connect(starter.choose_audio)
    published = PublishedPacks(settings, paths.data_dir() / "packs" / "published")
    setup = SetupDialogs(
        controller,
        window,
        starter.use_settings,
        settings,
        partial(load_published, settings, published),
        locked=locked,
    )
    window.settings_requested.connect(setup.open_settings)
    window.setup_check_requested.connect(setup.open_check)
    controller.state_changed.connect(setup._on_controller_state_changed)
    window.reconnect_requested.connect(controller.reconnect)
    window.stop_requested.connect(controller.stop_call)
    controller.load(partial(load_published, settings, published))
    if settings.retrieval.reload_check_s > 0:
        reload = reload_when_changed(settings, published)
        controller.watch_packs(settings.retrieval.reload_check_s, reload)
    return controller, window


def speech_model_name(settings: Settings) -> str:
    """What the status line calls the recogniser: the model's folder name, or the server."""
    asr = settings.asr
    return f"vosk-server {asr.remote_url}" if asr.engine == "remote" else Path(asr.model).name


def load_and_report(settings: Settings, progress: LoadProgress) -> AssistServices:
    """Load the services (in the thread pool) and tell the team lead which pack this runs."""
    services = load_services(settings.retrieval, paths.models_dir(), progress, settings.trust)
    publish_status(settings, services)
    return services


def load_published(
    settings: Settings, published: PublishedPacks, progress: LoadProgress
) -> AssistServices:
    """Fetch the published packs (their local copies serve when the source is unreachable),
    then load with them."""
    for result in published.fetch_due():
        if result.problem:
            logger.warning("published pack %s: %s", result.source, result.problem)
    return load_and_report(published.applied_to(settings), progress)


def record_opener(settings: Settings) -> Callable[[], CallStore | None]:
    """Opens the call record once, on first use (in the guidance thread)."""

    @functools.cache
    def open_store() -> CallStore | None:
        if not settings.record.enabled:
            return None
        store = CallStore(
            settings.record.database,
            settings.privacy.keep_last_digits,
            encrypt=settings.record.encrypt,
        )
        if store.recovered:
            logger.warning("%d call(s) interrupted by a crash were kept", store.recovered)
        return store

    return open_store


def session_for(
    settings: Settings, store: Callable[[], CallStore | None], services: AssistServices
) -> CallSession:
    """A call session with the pack's guidance and the call metadata in the settings. A
    record that cannot be opened (no keyring for an encrypted one) costs the call its record,
    not its guidance: the session reports why when the call starts."""
    manifest = services.pack.manifest
    try:
        record, problem = store(), None
    except AgentAssistError as exc:
        record, problem = None, AgentAssistError(f"This call is not recorded: {exc}")
    return CallSession(
        services.guidance,
        record,
        metadata_from(settings),
        source=settings.audio.source,
        pack=f"{manifest.id}@{manifest.version}",
        keep_last=settings.privacy.keep_last_digits,
        record_error=problem,
    )


def reload_when_changed(
    settings: Settings, published: PublishedPacks
) -> Callable[..., AssistServices | None]:
    """What the controller runs off the UI thread to pick up edited, replaced or newly
    published packs. A published version that was refused is reported once."""
    retrieval = settings.retrieval
    local_copies = [feed.local for feed in published.feeds]
    watcher = PackWatcher([retrieval.pack, *retrieval.team_packs, *local_copies])
    reported: set[str] = set()
    unreported: list[str] = []

    def reload(progress: Callable[[str, float], None]) -> AssistServices | None:
        for result in published.fetch_due():
            problem = f"{result.source}: {result.problem}"
            if result.problem and problem not in reported:
                reported.add(problem)
                unreported.append(problem)
        if watcher.changed():
            logger.info("pack files changed: reloading")
            return load_and_report(published.applied_to(settings), progress)
        if unreported:
            problems = "; ".join(unreported)
            unreported.clear()
            raise AgentAssistError(f"a published pack was not taken: {problems}")
        return None

    return reload


def run_app(
    settings: Settings,
    replay: Path | str | None = None,
    realtime: bool = True,
    locked: frozenset[str] = frozenset(),
) -> int:
    """Open the panel; returns the Qt exit code. ``locked`` settings ("section.key") are
    IT's: the settings dialog shows them and does not let them change."""
    if sys.stdout is None or sys.stderr is None:  # windowed builds have no console
        devnull = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
        sys.stdout = sys.stdout or devnull
        sys.stderr = sys.stderr or devnull
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("agent-assist")
    install_translation(app, interface_language(settings.ui.language))
    _controller, window = build_panel(settings, replay, realtime, locked)
    window.show()
    return app.exec()
