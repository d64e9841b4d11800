"""One encoding per final shared by retrieval and guidance; forgotten on request."""

from __future__ import annotations

import threading

import numpy as np

from agent_assist.retrieval.embedder import RecentEncodings


class CountingEmbedder:
    """Isolates the cache: a deterministic vector per text, and a count of encodings."""

    model_id = "counting"
    dim = 4
    default_min_score = 0.5

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        return np.array([[len(t), 1.0, 0.0, 0.0] for t in texts], dtype=np.float32)


def test_two_threads_encoding_the_same_final_encode_it_once() -> None:
    inner = CountingEmbedder()
    cache = RecentEncodings(inner)
    results: list[np.ndarray] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.encode(["提前还款有违约金吗"])))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert inner.calls == 1
    np.testing.assert_array_equal(results[0], results[1])


def test_the_oldest_encoding_is_dropped_beyond_the_size() -> None:
    inner = CountingEmbedder()
    cache = RecentEncodings(inner, size=2)
    for text in ("a", "bb", "ccc", "a"):
        cache.encode([text])
    assert inner.calls == 4


def test_forget_makes_the_next_encoding_real() -> None:
    inner = CountingEmbedder()
    cache = RecentEncodings(inner)
    cache.encode(["你好"])
    cache.forget()
    cache.encode(["你好"])
    assert inner.calls == 2
