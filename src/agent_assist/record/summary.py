"""The hang-up summary: topic, key facts, an extractive summary, disposition and QA score.

Built from the stored (masked) record, so it is the same whether the call ended normally
or is summarised later from an interrupted record. Numbers are already digits: finals pass
through the numeral normaliser, and anything spoken that slipped through is normalised here.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from agent_assist.retrieval.pack import TOPICS
from agent_assist.speech.numerals import normalize_numbers

SEVERITY_PENALTY = {"high": 25, "medium": 10, "low": 5}
MISSING_STEP_PENALTY = 10
UNANSWERED_EMOTION_PENALTY = 10
_AMOUNT = re.compile(r"\d+(?:\.\d+)?\s*(?:万元|万|元|块钱|块)|(?:¥|￥|RMB\s?)\d+(?:\.\d+)?")
_DATE = re.compile(
    r"\d{4}年\d{1,2}月\d{1,2}[日号]|\d{1,2}月\d{1,2}[日号]|\d{1,2}[日号](?!码)"
    r"|今天|明天|后天|下周[一二三四五六日天]?|下个月|月底|月初|本周[一二三四五六日天]?"
)
_RATE = re.compile(r"\d+(?:\.\d+)?%|百分之\d+")
_INSTALMENTS = re.compile(r"\d+期")
_REQUEST = re.compile(
    r"(我想|我要|想要|能不能|可不可以|可以帮我|帮我|麻烦你|申请|请你们?|i want|i'd like|can you)"
    r"[^，。？！,.?!]{2,30}",
    re.IGNORECASE,
)
_COMMITMENT = re.compile(r"(我会|我们会|帮您|为您|已经为您|已为您|会在|将在)[^，。？！,.?!]{2,30}")


def summarise(record: dict[str, Any]) -> dict[str, Any]:
    """A summary the agent can edit and the ticket system can read."""
    utterances = record["utterances"]
    customer = [normalize_numbers(u["text"]) for u in utterances if u["speaker"] == "customer"]
    agent = [normalize_numbers(u["text"]) for u in utterances if u["speaker"] == "agent"]
    alerts = record["alerts"]
    topic = _topic(record["cards"], alerts)
    return {
        "topic": topic,
        "topic_label": TOPICS.get(topic, topic),
        "summary": _extract(customer, agent),
        "key_facts": _facts(customer + agent),
        "disposition": _disposition(record, topic),
        "qa": qa_score(alerts, record["checklist"]),
        "alerts": [f"{a['severity']}: {a['title']}" for a in alerts],
        "cards_used": sorted(
            {a["entry_id"] for a in record["card_actions"] if a["action"] == "used"}
        ),
    }


def _topic(cards: list[dict[str, Any]], alerts: list[dict[str, Any]]) -> str:
    """The topic the call's cards leaned on most (score-weighted); fraud alerts win."""
    if any(a["kind"] == "risk" for a in alerts):
        takeover = any(a["category"] == "account_takeover" for a in alerts if a["kind"] == "risk")
        return "account_security" if takeover else "fraud_scam"
    weights: Counter[str] = Counter()
    for card in cards:
        weights[card["topic"]] += card["score"] / card["rank"]
    return weights.most_common(1)[0][0] if weights else "other"


def _extract(customer: list[str], agent: list[str]) -> list[str]:
    """The customer's requests and the agent's commitments, in call order, at most six."""
    lines = []
    for text in customer:
        lines += [f"客户：{m.group(0)}" for m in _REQUEST.finditer(text)]
    for text in agent:
        lines += [f"坐席：{m.group(0)}" for m in _COMMITMENT.finditer(text)]
    if not lines and customer:
        lines = [f"客户：{customer[0][:40]}"]
    return list(dict.fromkeys(lines))[:6]


def _facts(texts: list[str]) -> dict[str, list[str]]:
    joined = "\n".join(texts)
    facts = {
        "amounts": _AMOUNT.findall(joined),
        "dates": _DATE.findall(joined),
        "rates": _RATE.findall(joined),
        "instalments": _INSTALMENTS.findall(joined),
        "requests": [m.group(0) for m in _REQUEST.finditer(joined)],
    }
    return {k: list(dict.fromkeys(v))[:8] for k, v in facts.items()}


def _disposition(record: dict[str, Any], topic: str) -> str:
    alerts = record["alerts"]
    if any(a["kind"] == "risk" for a in alerts):
        return "escalated_risk"
    if topic == "complaint" or any(
        a["kind"] == "emotion" and a["category"] == "angry" for a in alerts
    ):
        return "complaint"
    if record["call"]["call_type"] == "collections":
        said = " ".join(u["text"] for u in record["utterances"] if u["speaker"] == "customer")
        if _DATE.search(normalize_numbers(said)) and re.search(r"还|pay", said):
            return "promise_to_pay"
        return "no_promise"
    if any(a["action"] == "used" for a in record["card_actions"]) or record["cards"]:
        return "answered"
    return "unresolved"


def qa_score(alerts: list[dict[str, Any]], checklist: list[dict[str, Any]]) -> dict[str, Any]:
    """100 minus penalties; each deduction is listed so a QA lead can check it."""
    deductions = []
    for alert in alerts:
        if alert["kind"] in ("compliance", "privacy_ask", "collections"):
            deductions.append((SEVERITY_PENALTY[alert["severity"]], alert["title"]))
        elif alert["kind"] == "emotion" and alert.get("resolved") == 0:
            deductions.append((UNANSWERED_EMOTION_PENALTY, "未回应客户情绪"))
    for step in checklist:
        if step["required"] and not step["done"]:
            deductions.append((MISSING_STEP_PENALTY, f"缺少步骤：{step['title']}"))
    score = max(0, 100 - sum(points for points, _ in deductions))
    return {"score": score, "deductions": [{"points": p, "reason": r} for p, r in deductions]}
