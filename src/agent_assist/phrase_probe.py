"""Why a phrase would surface which entries and alerts: every retrieval method side by side.

Used by the pack manager (in a worker thread) over the loaded pack's services.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agent_assist.guidance.emotion import CALM
from agent_assist.guidance.engine import GuidanceModel
from agent_assist.guidance.matching import normalise
from agent_assist.retrieval.retriever import METHODS, Method, RankedItem, Retriever
from agent_assist.services import AssistServices

# Entries listed per method: the app's method's top ones, plus what another method ranks there.
TOP_ENTRIES = 5


@dataclass(frozen=True, slots=True)
class MethodScore:
    rank: int  # 1-based, among every candidate the method found
    score: float  # the method's ranking score


@dataclass(frozen=True)
class EntryExplanation:
    """One entry a phrase brings up, and how each method ranks it."""

    entry_id: str
    kind: str
    topic: str
    title: str
    by_method: dict[Method, MethodScore]  # missing: the method did not find it
    cosine: float  # of the best matching phrasing: what the threshold is checked on
    matched: str  # that phrasing
    clears_threshold: bool
    shown: bool  # one of the cards the agent would see

    def score_for(self, method: Method) -> MethodScore | None:
        return self.by_method.get(method)


@dataclass(frozen=True, slots=True)
class AlertExplanation:
    """A guidance alert the phrase raises if said by ``side`` (agent or customer)."""

    side: str
    detector: str  # compliance, privacy_ask, risk or emotion
    rule_id: str
    title: str
    severity: str
    how: str  # exact, pinyin, pattern or meaning, with what matched
    score: float


@dataclass(frozen=True)
class PhraseExplanation:
    text: str
    method: Method  # the one the app uses for cards
    min_score: float
    top_k: int
    entries: tuple[EntryExplanation, ...]
    alerts: tuple[AlertExplanation, ...]


def explain_phrase(
    services: AssistServices, text: str, top_n: int = TOP_ENTRIES
) -> PhraseExplanation:
    """Rank ``text`` under every method, as the app would, and run it through guidance."""
    app = services.retriever
    vector = services.embedder.encode([text])[0]
    rankings = {m: _retriever_for(services, m).rank(text, vector) for m in METHODS}
    shown = {r.position for r in _cards(rankings[app.method], app)}
    entries = tuple(
        _explain_entry(services, position, rankings, app, shown)
        for position in _top_positions(rankings, app.method, top_n)
    )
    alerts = tuple(guidance_alerts(services.guidance, text))
    return PhraseExplanation(text, app.method, app.min_score, app.top_k, entries, alerts)


def _retriever_for(services: AssistServices, method: Method) -> Retriever:
    app = services.retriever
    if method == app.method:
        return app
    return Retriever(
        services.embedder, services.index, app.top_k, app.min_score, method, app.lexical_weight
    )


def _cards(ranked: list[RankedItem], app: Retriever) -> list[RankedItem]:
    """What ``Retriever.search`` keeps: above the threshold, the first ``top_k``."""
    return [r for r in ranked if r.dense >= app.min_score][: app.top_k]


def _top_positions(
    rankings: dict[Method, list[RankedItem]], app_method: Method, top_n: int
) -> list[int]:
    """The app's method's top entries first, then entries only another method ranks high."""
    positions = [r.position for r in rankings[app_method][:top_n]]
    for method in METHODS:
        positions += [r.position for r in rankings[method][:top_n] if r.position not in positions]
    return positions


def _explain_entry(
    services: AssistServices,
    position: int,
    rankings: dict[Method, list[RankedItem]],
    app: Retriever,
    shown: set[int],
) -> EntryExplanation:
    by_method: dict[Method, MethodScore] = {}
    found: dict[Method, RankedItem] = {}
    for method, ranked in rankings.items():
        for rank, item in enumerate(ranked, 1):
            if item.position == position:
                by_method[method] = MethodScore(rank, item.score)
                found[method] = item
                break
    # The dense ranking's best phrasing is the one with the highest cosine.
    best = found.get("dense") or found.get(app.method) or next(iter(found.values()))
    item = services.index.items[position]
    return EntryExplanation(
        entry_id=item.id,
        kind=item.kind.value,
        topic=item.topic,
        title=item.title,
        by_method=by_method,
        cosine=best.dense,
        matched=services.index.vector_text[best.vector_id],
        clears_threshold=best.dense >= app.min_score,
        shown=position in shown,
    )


def guidance_alerts(model: GuidanceModel, text: str) -> list[AlertExplanation]:
    """Alerts for one utterance on its own, judged as the ``eval guidance`` command does."""
    norm = normalise(text)
    vector: np.ndarray | None = model.embed(text)
    alerts = []
    for guard in (model.compliance, model.privacy, model.risk):
        for match in guard.check(norm, vector):
            rule = match.rule
            how = f"{match.how}: {match.matched}"
            side, detector = guard.detector.side, guard.detector.value
            alerts.append(
                AlertExplanation(
                    side, detector, rule.id, rule.title, rule.severity.value, how, match.score
                )
            )
    feeling = model.emotion.assess(norm, vector, [])
    if feeling.label != CALM:
        how = ", ".join(feeling.reasons)
        alerts.append(
            AlertExplanation("customer", "emotion", feeling.label, "", "medium", how, feeling.score)
        )
    return alerts
