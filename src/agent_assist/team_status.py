"""Which pack each workstation runs: one small JSON file per agent in a shared team folder.

Each workstation writes ``<agent_id>.json`` into ``team.status_dir``; the team lead's pack
manager reads them all. A status says which app and pack version run there, never anything
said on a call.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import platform
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent_assist import __version__
from agent_assist.atomic_file import write_text_atomically
from agent_assist.retrieval.pack import ScriptPack

if TYPE_CHECKING:
    from agent_assist.config import Settings
    from agent_assist.services import AssistServices

logger = logging.getLogger(__name__)

STATUS_SUFFIX = ".json"
# Hex digits of the pack digest: enough to tell two edits of a pack apart at a glance.
PACK_SHA_CHARS = 12
# Characters a status file name keeps from the agent id (others become "_").
_UNSAFE_NAME = re.compile(r"[^\w.-]")


@dataclass(frozen=True, slots=True)
class WorkstationStatus:
    """What one workstation last reported: its app and the pack it runs."""

    agent_id: str
    host: str
    app_version: str
    pack_id: str
    pack_version: str
    pack_sha: str  # pack_digest() of the pack it runs
    updated_at: dt.datetime  # timezone-aware, UTC

    def to_json(self) -> str:
        data = asdict(self)
        data["updated_at"] = self.updated_at.isoformat()
        return json.dumps(data, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> WorkstationStatus:
        """Raises ValueError, KeyError or TypeError when the text is not a status."""
        data: dict[str, Any] = json.loads(text)
        values = {f.name: data[f.name] for f in fields(cls)}
        for name, value in values.items():
            if not isinstance(value, str):
                raise TypeError(f"{name} is not a string")
        values["updated_at"] = _as_utc(dt.datetime.fromisoformat(values["updated_at"]))
        return cls(**values)


def _as_utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def pack_digest(pack: ScriptPack) -> str:
    """A short digest of everything in the pack: its files and its guidance rules."""
    digest = hashlib.sha256()
    for name, sha in sorted(pack.file_sha256.items()):
        digest.update(f"{name}={sha}\n".encode())
    # The guidance files are not in file_sha256 (the index is not built from them).
    digest.update(pack.guidance.model_dump_json().encode())
    return digest.hexdigest()[:PACK_SHA_CHARS]


def agent_name(settings: Settings) -> str:
    """The configured agent id, or the computer's name when none is set."""
    return settings.team.agent_id or platform.node() or "unknown"


def status_for(
    settings: Settings,
    services_or_pack: AssistServices | ScriptPack,
    now: dt.datetime | None = None,
) -> WorkstationStatus:
    """This workstation's status, running the given pack (or the services' pack)."""
    pack = services_or_pack if isinstance(services_or_pack, ScriptPack) else services_or_pack.pack
    return WorkstationStatus(
        agent_id=agent_name(settings),
        host=platform.node(),
        app_version=__version__,
        pack_id=pack.manifest.id,
        pack_version=pack.manifest.version,
        pack_sha=pack_digest(pack),
        updated_at=_as_utc(now or dt.datetime.now(dt.UTC)),
    )


def status_file(status_dir: Path, agent_id: str) -> Path:
    name = _UNSAFE_NAME.sub("_", agent_id).lstrip(".") or "unknown"
    return status_dir / f"{name}{STATUS_SUFFIX}"


def write_status(status_dir: Path, status: WorkstationStatus) -> Path:
    """Write ``<agent_id>.json`` atomically: a reader sees the old file or the new, never half.

    Raises:
        OSError: the shared folder cannot be written.
    """
    target = status_file(status_dir, status.agent_id)
    write_text_atomically(target, status.to_json())
    return target


def publish_status(settings: Settings, services_or_pack: AssistServices | ScriptPack) -> bool:
    """Report this workstation's pack if a team folder is configured; never raises.

    Call it off the UI thread: the folder is usually a network share. Returns whether a
    status was written.
    """
    status_dir = settings.team.status_dir
    if status_dir is None:
        return False
    status = status_for(settings, services_or_pack)
    try:
        write_status(status_dir, status)
    except OSError as exc:
        logger.warning("cannot report the pack version to %s: %s", status_dir, exc)
        return False
    logger.info("reported pack %s %s to the team folder", status.pack_id, status.pack_version)
    return True


def read_statuses(status_dir: Path) -> list[WorkstationStatus]:
    """Every readable status in the folder, by agent id; unreadable files are logged, skipped."""
    try:
        files = sorted(p for p in status_dir.glob(f"*{STATUS_SUFFIX}") if p.is_file())
    except OSError as exc:
        logger.warning("cannot list the team folder %s: %s", status_dir, exc)
        return []
    statuses = []
    for file in files:
        try:
            statuses.append(WorkstationStatus.from_json(file.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            logger.warning("skipping unreadable status file %s: %s", file.name, exc)
    return sorted(statuses, key=lambda s: s.agent_id)
