"""Retrieval stage: script packs, embedders, the FAISS index and the retriever (no Qt)."""
