"""Precision and recall of each guidance detector on labelled sets (``eval guidance``).

Each set is a YAML list of items; an item's ``split`` is ``dev`` for even positions and
``test`` for odd ones, so thresholds tuned on dev can be reported on held-out items.
A detector "flags" an item when it raises anything; the category is scored separately.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from agent_assist.guidance.emotion import CALM
from agent_assist.guidance.engine import GuidanceModel
from agent_assist.guidance.matching import normalise
from agent_assist.guidance.pii import find_pii
from agent_assist.guidance.rule_guard import RuleGuard

NONE = "none"
SPLITS = ("dev", "test", "all")
SET_FILES = {
    "compliance": "compliance_eval.yaml",
    "privacy_ask": "privacy_ask_eval.yaml",
    "risk": "risk_eval.yaml",
    "emotion": "emotion_eval.yaml",
    "pii": "pii_eval.yaml",
}


@dataclass
class Score:
    """Counts for one detector on one split, with the items it got wrong."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    right_category: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def as_json(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "category_accuracy": round(self.right_category / self.tp, 3) if self.tp else None,
            "errors": self.errors,
        }


def load_items(path: Path) -> list[dict[str, Any]]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
    for i, item in enumerate(items):
        item["split"] = "dev" if i % 2 == 0 else "test"
    return items


def _by_split(
    items: Iterable[dict[str, Any]], judge: Callable[[dict[str, Any], Score], None]
) -> dict[str, Score]:
    scores = {split: Score() for split in SPLITS}
    for item in items:
        for split in (item["split"], "all"):
            judge(item, scores[split])
    return scores


def _labelled(score: Score, item: dict[str, Any], predicted: set[str], detail: str) -> None:
    gold = item["label"]
    if gold != NONE and predicted:
        score.tp += 1
        score.right_category += gold in predicted
    elif gold != NONE:
        score.fn += 1
        score.errors.append({"text": item["text"], "label": gold, "got": NONE})
    elif predicted:
        score.fp += 1
        score.errors.append(
            {"text": item["text"], "label": NONE, "got": sorted(predicted), "how": detail}
        )


def evaluate_rules(
    items: list[dict[str, Any]], guard: RuleGuard, model: GuidanceModel
) -> dict[str, Score]:
    def judge(item: dict[str, Any], score: Score) -> None:
        vector = model.embed(item["text"]) if guard.needs_vector else None
        matches = guard.check(normalise(item["text"]), vector)
        detail = "; ".join(f"{m.rule.id} {m.how}:{m.matched}" for m in matches)
        _labelled(score, item, {m.rule.category for m in matches}, detail)

    return _by_split(items, judge)


def evaluate_emotion(items: list[dict[str, Any]], model: GuidanceModel) -> dict[str, Score]:
    def judge(item: dict[str, Any], score: Score) -> None:
        earlier = [(normalise(t), model.embed(t)) for t in item.get("before") or []]
        found = model.emotion.assess(normalise(item["text"]), model.embed(item["text"]), earlier)
        predicted = set() if found.label == CALM else {found.label}
        _labelled(score, item, predicted, ", ".join(found.reasons))

    return _by_split(items, judge)


def evaluate_pii(items: list[dict[str, Any]]) -> dict[str, Score]:
    def judge(item: dict[str, Any], score: Score) -> None:
        text = item["text"]
        gold = [(p["kind"], text.index(p["span"]), text.index(p["span"]) + len(p["span"]))
                for p in item.get("pii") or []]  # fmt: skip
        found = [(s.kind.value, s.start, s.end) for s in find_pii(text)]
        for kind, start, end in gold:
            if any(k == kind and s < end and start < e for k, s, e in found):
                score.tp += 1
                score.right_category += 1
            else:
                score.fn += 1
                score.errors.append({"text": text, "missed": kind, "span": text[start:end]})
        for kind, start, end in found:
            if not any(k == kind and s < end and start < e for k, s, e in gold):
                score.fp += 1
                score.errors.append({"text": text, "wrong": kind, "span": text[start:end]})

    return _by_split(items, judge)


def evaluate_all(sets_dir: Path, model: GuidanceModel) -> dict[str, dict[str, Score]]:
    """Every detector whose set exists in ``sets_dir``."""
    results: dict[str, dict[str, Score]] = {}
    guards = {"compliance": model.compliance, "privacy_ask": model.privacy, "risk": model.risk}
    for name, file in SET_FILES.items():
        path = sets_dir / file
        if not path.is_file():
            continue
        items = load_items(path)
        if name in guards:
            results[name] = evaluate_rules(items, guards[name], model)
        elif name == "emotion":
            results[name] = evaluate_emotion(items, model)
        else:
            results[name] = evaluate_pii(items)
    return results
