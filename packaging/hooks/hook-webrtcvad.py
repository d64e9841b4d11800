"""Replaces pyinstaller-hooks-contrib's hook, which copies the metadata of ``webrtcvad``.

The project installs the ``webrtcvad-wheels`` fork (same module, prebuilt wheels): the contrib
hook stops the build with "Failed to import module __PyInstaller_hooks_0_webrtcvad", because
no distribution named ``webrtcvad`` exists. ``webrtcvad.__version__`` reads this one's.
"""

from PyInstaller.utils.hooks import copy_metadata

datas = copy_metadata("webrtcvad-wheels")
