"""agent-assist: an offline real-time assistant for call-centre agents."""

__version__ = "0.1.0"
