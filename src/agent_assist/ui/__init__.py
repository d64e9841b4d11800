"""The side panel: renders controller state and sends the agent's intent (Qt widgets)."""
