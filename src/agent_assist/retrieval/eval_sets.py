"""Retrieval benchmarks built in place from public question sets (banking77, BQ, ATEC).

The source files are for internal evaluation only: they are read where they lie
(``shared/assets/eval``) and nothing derived from them is written into the repository.
Every set is rebuilt the same way from the same files: sorting fixes every order, and
sampling uses ``random.Random(seed)`` only.
"""

from __future__ import annotations

import csv
import random
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

DISTRACTOR_LABEL = "distractor"
# Invisible characters found in the sources (backspaces, zero-width joiners, a BOM inside a
# field): they would make equal questions differ. C0/C1 controls other than whitespace,
# soft hyphen, zero-width and bidi marks, word joiners, BOM.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
)


@dataclass(frozen=True, slots=True)
class EvalDocument:
    """One entry of the benchmark index; ``label`` names the intent or cluster it answers."""

    id: str
    text: str
    label: str


@dataclass(frozen=True, slots=True)
class EvalQuery:
    """A caller phrasing and the ids of the documents that count as a hit for it."""

    text: str
    relevant: frozenset[str]


@dataclass(frozen=True, slots=True)
class EvalSet:
    """Documents to index, queries to run against them, and how both were built."""

    name: str
    documents: tuple[EvalDocument, ...]
    queries: tuple[EvalQuery, ...]
    description: str


@dataclass(frozen=True, slots=True)
class _Pair:
    first: str
    second: str
    same: bool


def clean_text(text: str) -> str:
    """Text without invisible characters, its whitespace runs (newlines too) made single spaces."""
    return " ".join(_INVISIBLE.sub("", text).split())


def banking77(
    folder: Path, per_intent: int = 5, seed: int = 0, max_queries: int | None = 2000
) -> EvalSet:
    """Intent retrieval over banking77 ``train.csv``: a few examples per intent form the index.

    Each intent's texts are shuffled with their own seeded generator, so an intent's
    documents do not depend on any other intent. The first ``per_intent`` become documents
    labelled with the intent; a seeded sample of the rest become queries, and any
    document of the query's intent is a hit. Texts filed under two intents are dropped.
    """
    if per_intent < 1:
        raise ValueError(f"per_intent must be >= 1, got {per_intent}")
    by_intent = _read_banking77(folder / "train.csv")
    documents: list[EvalDocument] = []
    remaining: list[tuple[str, str]] = []
    for intent in sorted(by_intent):
        texts = list(by_intent[intent])
        random.Random(f"{seed}:{intent}").shuffle(texts)
        documents += [
            EvalDocument(f"b77-{intent}-{k}", text, intent)
            for k, text in enumerate(texts[:per_intent])
        ]
        remaining += [(text, intent) for text in texts[per_intent:]]
    ids_by_label = _ids_by_label(documents)
    candidates = [EvalQuery(text, ids_by_label[intent]) for text, intent in sorted(remaining)]
    queries = _sample(candidates, max_queries, random.Random(seed))
    description = (
        f"banking77 train.csv: {len(by_intent)} intents, {per_intent} documents per intent "
        f"(seed {seed}) = {len(documents)} documents; {len(queries)} of {len(candidates)} "
        "remaining texts as queries; a hit is any document of the query's intent."
    )
    return EvalSet("banking77", tuple(documents), tuple(queries), description)


def bq(folder: Path, max_queries: int | None = 2000, seed: int = 0) -> EvalSet:
    """Paraphrase retrieval over BQ ``dev.csv``: one canonical question per paraphrase cluster.

    Positive pairs are joined into clusters (connected components). Each cluster's
    shortest sentence (ties: first by text) is indexed; its other sentences are queries
    whose only hit is that document. Sentences in no positive pair are indexed as
    distractors: in a real knowledge base most entries answer something else.
    """
    pairs = _read_bq_pairs(folder / "dev.csv")
    clusters = _positive_clusters(pairs)
    clustered = {text for cluster in clusters for text in cluster}
    distractors = sorted({text for pair in pairs for text in (pair.first, pair.second)} - clustered)
    labelled = [(cluster[0], _cluster_label(k)) for k, cluster in enumerate(clusters)]
    documents = _numbered_documents(
        "bq", [*labelled, *((t, DISTRACTOR_LABEL) for t in distractors)]
    )
    id_of = {document.text: document.id for document in documents}
    candidates = sorted(
        (
            EvalQuery(text, frozenset({id_of[cluster[0]]}))
            for cluster in clusters
            for text in cluster[1:]
        ),
        key=lambda query: query.text,
    )
    queries = _sample(candidates, max_queries, random.Random(seed))
    description = (
        f"BQ dev.csv: {len(pairs)} pairs; {len(clusters)} clusters of positive pairs, "
        f"each indexed by its shortest sentence, plus {len(distractors)} sentences of no "
        f"positive pair as distractors = {len(documents)} documents; {len(queries)} of "
        f"{len(candidates)} other cluster sentences as queries (seed {seed}); "
        f"{_negatives_inside(pairs, clusters)} negative pairs fall inside a cluster."
    )
    return EvalSet("bq", documents, tuple(queries), description)


def atec(folder: Path, max_queries: int | None = 2000, seed: int = 0) -> EvalSet:
    """Paraphrase retrieval over ATEC ``atec_nlp_sim_train.csv``: s1 is indexed, s2 queried.

    Every distinct s1 is a document; those of negative pairs only are distractors.
    Positive pairs are joined into clusters as for BQ, so a query's hits are all indexed
    s1 of its cluster, not only its own pair's: a paraphrase of a paraphrase is a right
    answer. The s2 of positive pairs are the queries, minus those whose text is itself
    indexed (an exact match tells nothing).
    """
    pairs = _read_atec_pairs(folder / "atec_nlp_sim_train.csv")
    clusters = _positive_clusters(pairs)
    label_of = {text: _cluster_label(k) for k, cluster in enumerate(clusters) for text in cluster}
    firsts = sorted({pair.first for pair in pairs})
    documents = _numbered_documents(
        "atec", [(t, label_of.get(t, DISTRACTOR_LABEL)) for t in firsts]
    )
    ids_by_label = _ids_by_label(documents)
    indexed = set(firsts)
    seconds = sorted({p.second for p in pairs if p.same and p.first != p.second} - indexed)
    candidates = [EvalQuery(text, ids_by_label[label_of[text]]) for text in seconds]
    queries = _sample(candidates, max_queries, random.Random(seed))
    n_distractors = sum(document.label == DISTRACTOR_LABEL for document in documents)
    description = (
        f"ATEC train: {len(pairs)} pairs; {len(documents)} distinct s1 as documents "
        f"({n_distractors} of negative pairs only, as distractors); {len(clusters)} clusters "
        f"of positive pairs; {len(queries)} of {len(candidates)} positive-pair s2 not "
        f"themselves indexed as queries (seed {seed}); a hit is any indexed s1 of the "
        f"query's cluster; {_negatives_inside(pairs, clusters)} negative pairs fall inside "
        "a cluster."
    )
    return EvalSet("atec", documents, tuple(queries), description)


_BUILDERS: dict[str, tuple[str, Callable[..., EvalSet]]] = {
    "banking77": ("banking77", banking77),
    "bq": ("bq_corpus", bq),
    "atec": ("afqmc", atec),
}


def load_eval_set(name: str, assets: Path, **options: Any) -> EvalSet:
    """Build the set ``name`` ("banking77", "bq" or "atec") from the eval folder ``assets``.

    ``assets`` is the folder holding ``banking77/``, ``bq_corpus/`` and ``afqmc/``;
    ``options`` go to the set's builder (``seed``, ``max_queries``, ``per_intent``).

    Raises:
        ValueError: ``name`` is not a known set.
    """
    if name not in _BUILDERS:
        raise ValueError(f"unknown eval set {name!r}; known: {', '.join(sorted(_BUILDERS))}")
    subfolder, build = _BUILDERS[name]
    return build(assets / subfolder, **options)


def _read_banking77(path: Path) -> dict[str, tuple[str, ...]]:
    """Intent -> its distinct texts, sorted; texts filed under several intents are left out."""
    intents_of: dict[str, set[str]] = defaultdict(set)
    # Some texts are quoted and span several lines: only a CSV reader splits them right.
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.DictReader(file)
        _require_columns(path, reader.fieldnames, ("text", "category"))
        for row in reader:
            text = clean_text(row["text"])
            if text:
                intents_of[text].add(row["category"].strip())
    by_intent: dict[str, list[str]] = defaultdict(list)
    for text, intents in intents_of.items():
        if len(intents) == 1:
            by_intent[next(iter(intents))].append(text)
    return {intent: tuple(sorted(texts)) for intent, texts in by_intent.items()}


def _read_bq_pairs(path: Path) -> list[_Pair]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.DictReader(file)
        _require_columns(path, reader.fieldnames, ("sentence1", "sentence2", "label"))
        rows = [(row["sentence1"], row["sentence2"], row["label"]) for row in reader]
    return _pairs(path, rows)


def _read_atec_pairs(path: Path) -> list[_Pair]:
    # Tab-separated with no quoting convention: a '"' is part of the question text.
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file, delimiter="\t", quoting=csv.QUOTE_NONE)
        rows = [_atec_row(path, line_no, row) for line_no, row in enumerate(reader, 1) if row]
    return _pairs(path, rows)


def _atec_row(path: Path, line_no: int, row: list[str]) -> tuple[str, str, str]:
    if len(row) != 4:
        raise ValueError(f"{path}:{line_no}: expected 4 tab-separated columns, got {len(row)}")
    return row[1], row[2], row[3]


def _pairs(path: Path, rows: Iterable[tuple[str, str, str]]) -> list[_Pair]:
    pairs = []
    for first, second, label in rows:
        label = clean_text(label)
        if label not in ("0", "1"):
            raise ValueError(f"{path}: label must be 0 or 1, got {label!r}")
        first, second = clean_text(first), clean_text(second)
        if first and second:
            pairs.append(_Pair(first, second, label == "1"))
    return pairs


def _require_columns(path: Path, found: Sequence[str] | None, wanted: Sequence[str]) -> None:
    missing = [name for name in wanted if name not in (found or ())]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}; header is {found}")


def _positive_clusters(pairs: Iterable[_Pair]) -> list[tuple[str, ...]]:
    """Connected components of the positive pairs, each canonical sentence first.

    The canonical sentence is the shortest (ties: first by text); the others follow
    sorted, and clusters are sorted by canonical sentence.
    """
    parent: dict[str, str] = {}
    for pair in pairs:
        if pair.same and pair.first != pair.second:
            parent[_root(parent, pair.first)] = _root(parent, pair.second)
    members: dict[str, list[str]] = defaultdict(list)
    for text in parent:
        members[_root(parent, text)].append(text)
    clusters = []
    for texts in members.values():
        canonical = min(texts, key=lambda text: (len(text), text))
        clusters.append((canonical, *sorted(t for t in texts if t != canonical)))
    return sorted(clusters)


def _root(parent: dict[str, str], text: str) -> str:
    parent.setdefault(text, text)
    while parent[text] != text:
        parent[text] = parent[parent[text]]  # path halving keeps the trees shallow
        text = parent[text]
    return text


def _negatives_inside(pairs: Iterable[_Pair], clusters: Iterable[tuple[str, ...]]) -> int:
    """Negative pairs whose sentences were joined by positive ones: label noise to report."""
    cluster_of = {text: k for k, cluster in enumerate(clusters) for text in cluster}
    return sum(
        1
        for pair in pairs
        if not pair.same
        and pair.first in cluster_of
        and cluster_of[pair.first] == cluster_of.get(pair.second)
    )


def _cluster_label(number: int) -> str:
    return f"cluster-{number:05d}"


def _numbered_documents(
    prefix: str, labelled: Iterable[tuple[str, str]]
) -> tuple[EvalDocument, ...]:
    """Documents numbered in text order, so ids do not depend on how they were gathered."""
    ordered = sorted(labelled)
    width = len(str(len(ordered)))
    return tuple(
        EvalDocument(f"{prefix}-{n:0{width}d}", text, label)
        for n, (text, label) in enumerate(ordered)
    )


def _ids_by_label(documents: Iterable[EvalDocument]) -> dict[str, frozenset[str]]:
    ids: dict[str, set[str]] = defaultdict(set)
    for document in documents:
        ids[document.label].add(document.id)
    return {label: frozenset(members) for label, members in ids.items()}


def _sample(items: Sequence[T], limit: int | None, rng: random.Random) -> list[T]:
    """At most ``limit`` items, drawn by ``rng``, in their original order."""
    if limit is None or len(items) <= limit:
        return list(items)
    if limit < 0:
        raise ValueError(f"max_queries must be >= 0, got {limit}")
    picked = sorted(rng.sample(range(len(items)), limit))
    return [items[k] for k in picked]
