"""The team lead's pack manager window (``agent-assist packs``)."""

from agent_assist.ui.pack_manager.window import PackManagerWindow, open_pack_manager

__all__ = ["PackManagerWindow", "open_pack_manager"]
