"""Entry script of the desktop build: the ``agent-assist`` command, frozen by PyInstaller."""

from __future__ import annotations

import multiprocessing
import os
import sys


def _main() -> int:
    # A frozen Windows program that starts worker processes re-enters here; this returns them
    # to their task instead of starting a second panel.
    multiprocessing.freeze_support()
    if sys.stdout is None or sys.stderr is None:  # the windowed executable has no console
        devnull = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
        sys.stdout = sys.stdout or devnull
        sys.stderr = sys.stderr or devnull
    from agent_assist.cli import main

    return main()


if __name__ == "__main__":
    sys.exit(_main())
