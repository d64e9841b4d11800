"""Notice when a loaded pack's files change on disk, cheaply enough to poll every few seconds."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from agent_assist.retrieval.pack import DISTRIBUTED_FILES

Signature = tuple[tuple[str, int, int], ...]


class PackWatcher:
    """Compares the size and modification time of every pack file with the last look."""

    def __init__(self, pack_paths: Sequence[Path]) -> None:
        self._paths = tuple(pack_paths)
        self._seen = self.signature()

    def signature(self) -> Signature:
        files = []
        for path in self._paths:
            candidates = [path] if path.suffix == ".zip" else [path / n for n in DISTRIBUTED_FILES]
            for file in candidates:
                try:
                    stat = file.stat()
                except OSError:
                    files.append((str(file), -1, -1))  # missing now: a change worth a reload
                else:
                    files.append((str(file), stat.st_size, stat.st_mtime_ns))
        return tuple(files)

    def changed(self) -> bool:
        """True once per change (the new state becomes the baseline)."""
        now = self.signature()
        if now == self._seen:
            return False
        self._seen = now
        return True
