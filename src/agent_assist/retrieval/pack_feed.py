"""Packs a team lead publishes on a shared folder or an HTTPS server, fetched by workstations.

Each source is copied into the data folder only when its content changed, and only if the
new version validates (and is signed by a trusted key, when IT requires it); otherwise the
copy already there stays in use and the reason is reported. The panel loads the local copy,
so a share that is offline or a server that is down never stops a call.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import ssl
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path

from agent_assist.atomic_file import replace_path
from agent_assist.config import Settings
from agent_assist.errors import AgentAssistError
from agent_assist.retrieval.pack import DISTRIBUTED_FILES, load_pack
from agent_assist.retrieval.pack_signing import PublicKey, parse_public_key, verify_pack

logger = logging.getLogger(__name__)

_TIMEOUT_S = 20.0
_CHUNK_BYTES = 1 << 16


@dataclass(frozen=True)
class FeedResult:
    source: str
    updated: bool = False
    # Why a new version was not taken (unreachable, invalid, untrusted); "" when none.
    problem: str = ""


class PackFeed:
    """One published pack: a folder or zip on a share, or an https:// URL of a zip."""

    def __init__(
        self,
        source: str,
        folder: Path,
        trusted: list[PublicKey],
        ca_file: Path | None = None,
        max_bytes: int = 50_000_000,
    ) -> None:
        self.source = source
        self._trusted = trusted
        self._ca_file = ca_file
        self._max_bytes = max_bytes
        self._is_url = source.lower().startswith(("https://", "http://"))
        zipped = self._is_url or source.lower().endswith(".zip")
        self.local = folder / (_slug(source) + (".zip" if zipped else ""))
        # The server's ETag / Last-Modified of the local copy: an unchanged pack is not
        # downloaded again (304 Not Modified).
        self._validators: dict[str, str] = {}
        self._offered: dict[str, str] = {}

    def fetch(self) -> FeedResult:
        """Take the source's version if it is new and valid; never raises."""
        try:
            with tempfile.TemporaryDirectory(dir=self._staging_root(), prefix=".feed-") as tmp:
                staged = self._stage(Path(tmp))
                if staged is None:
                    return FeedResult(self.source)
                updated = _digest(staged) != _digest(self.local)
                if updated:
                    self._check(staged)
                    replace_path(staged, self.local)
                self._validators = self._offered  # only for a version now held locally
        except AgentAssistError as exc:
            logger.warning("published pack %s not taken: %s", self.source, exc)
            return FeedResult(self.source, problem=str(exc))
        if updated:
            logger.info("published pack %s updated in %s", self.source, self.local)
        return FeedResult(self.source, updated=updated)

    def _staging_root(self) -> Path:
        self.local.parent.mkdir(parents=True, exist_ok=True)
        return self.local.parent

    def _stage(self, into: Path) -> Path | None:
        """The source's current version in ``into``; None if the server says it is unchanged."""
        target = into / self.local.name
        if self._is_url:
            return target if self._download(target) else None
        source = Path(self.source)
        try:
            if source.is_dir():
                target.mkdir()
                for name in DISTRIBUTED_FILES:
                    if (source / name).is_file():
                        shutil.copyfile(source / name, target / name)
            else:
                shutil.copyfile(source, target)
        except OSError as exc:
            raise AgentAssistError(f"cannot read {source}: {exc}") from exc
        return target

    def _download(self, target: Path) -> bool:
        """False when the server answers 304: the local copy is its current version."""
        if not self.source.lower().startswith("https://"):
            raise AgentAssistError("packs are fetched over https:// only")
        context = ssl.create_default_context(cafile=self._ca_file)
        request = urllib.request.Request(self.source, headers=self._conditions())
        try:
            with (
                urllib.request.urlopen(request, timeout=_TIMEOUT_S, context=context) as reply,
                target.open("wb") as out,
            ):
                self._offered = {
                    name: value
                    for name in ("ETag", "Last-Modified")
                    if (value := reply.headers.get(name))
                }
                received = 0
                while chunk := reply.read(_CHUNK_BYTES):
                    received += len(chunk)
                    if received > self._max_bytes:
                        raise AgentAssistError(f"larger than {self._max_bytes // 1_000_000} MB")
                    out.write(chunk)
        except urllib.error.HTTPError as exc:
            if exc.code == HTTPStatus.NOT_MODIFIED:
                return False
            raise AgentAssistError(f"cannot download it: {exc}") from exc
        except (urllib.error.URLError, OSError, ssl.SSLError) as exc:
            raise AgentAssistError(f"cannot download it: {exc}") from exc
        return True

    def _conditions(self) -> dict[str, str]:
        if not self.local.exists():
            return {}
        asks = {"ETag": "If-None-Match", "Last-Modified": "If-Modified-Since"}
        return {asks[name]: value for name, value in self._validators.items()}

    def _check(self, staged: Path) -> None:
        if self._trusted:
            verify_pack(staged, self._trusted)
        load_pack(staged)  # PackValidationError: file, line and field


class PublishedPacks:
    """Every source in ``[distribution]``, fetched at most once per ``check_s``."""

    def __init__(
        self, settings: Settings, folder: Path, clock: Callable[[], float] = time.monotonic
    ) -> None:
        distribution = settings.distribution
        trusted = [parse_public_key(line) for line in settings.trust.pack_keys]
        self.feeds = [
            PackFeed(source, folder, trusted, distribution.ca_file)
            for source in distribution.sources
        ]
        self._every_s = distribution.check_s
        self._clock = clock
        self._last: float | None = None

    def fetch_due(self) -> list[FeedResult]:
        now = self._clock()
        if self._last is not None and now - self._last < self._every_s:
            return []
        self._last = now
        return [feed.fetch() for feed in self.feeds]

    def local_copies(self) -> tuple[Path, ...]:
        """Where the packs are loaded from; only those fetched at least once."""
        return tuple(feed.local for feed in self.feeds if feed.local.exists())

    def applied_to(self, settings: Settings) -> Settings:
        """``settings`` with the local copies loaded after the team packs."""
        retrieval = settings.retrieval
        team_packs = (*retrieval.team_packs, *self.local_copies())
        return settings.model_copy(
            update={"retrieval": retrieval.model_copy(update={"team_packs": team_packs})}
        )


def _slug(source: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(source.rstrip("/\\")).stem).strip("-")
    return f"{name[:40] or 'pack'}-{hashlib.sha256(source.encode()).hexdigest()[:8]}"


def _digest(path: Path) -> str:
    """Of the content that matters: the pack files of a folder, or the whole zip."""
    if not path.exists():
        return ""
    digest = hashlib.sha256()
    files = [path / n for n in DISTRIBUTED_FILES] if path.is_dir() else [path]
    for file in files:
        digest.update(file.name.encode())
        digest.update(file.read_bytes() if file.is_file() else b"\0missing")
    return digest.hexdigest()
