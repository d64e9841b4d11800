"""Keep the call record's files readable by their owner only (POSIX permissions).

On Windows nothing is changed: the record lives in the user's profile, whose ACL already
grants access to that user (and administrators) only, and POSIX modes do not apply there.
"""

from __future__ import annotations

import contextlib
import os
import platform
import stat
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700
# SQLite's WAL side files; it creates them with the database file's mode.
SIDE_FILE_SUFFIXES = ("-wal", "-shm")


def applies() -> bool:
    return platform.system() != "Windows"


def make_folders(folder: Path) -> None:
    """Create ``folder`` and any missing parents; the ones created here are owner-only."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    if applies():
        for created in missing:
            os.chmod(created, FOLDER_MODE)


def create_file(path: Path) -> bool:
    """Create an empty, owner-only file (an empty file is a new SQLite database).

    Created with its final mode, so it is never readable by others, not even briefly.
    Returns False if the file already exists.
    """
    if not applies():
        return not path.exists()
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))
    except FileExistsError:
        return False
    return True


def restrict(db: Path) -> list[Path]:
    """Make the database and its side files owner-only; returns those that were wider."""
    if not applies():
        return []
    widened = []
    for path in (db, *(db.with_name(db.name + s) for s in SIDE_FILE_SUFFIXES)):
        # A side file can vanish between the check and the change when SQLite checkpoints.
        with contextlib.suppress(FileNotFoundError):
            if stat.S_IMODE(path.stat().st_mode) & ~FILE_MODE:
                os.chmod(path, FILE_MODE)
                widened.append(path)
    return widened
