"""Threads, signals and timers that connect the stages to the panel (QtCore only)."""
