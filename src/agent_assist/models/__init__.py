"""Model catalog, installation (download or local folder/archive) and verification (no Qt)."""
