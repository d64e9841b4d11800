"""Export call records for a ticket system: full JSON, or one CSV row per call."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

CSV_COLUMNS = (
    "call_id", "started_at", "ended_at", "status", "call_type", "customer_ref", "topic",
    "disposition", "qa_score", "summary", "amounts", "dates", "alerts", "missing_steps",
    "cards_used", "edited",
)  # fmt: skip


def to_json(records: Iterable[dict[str, Any]]) -> str:
    return json.dumps(list(records), ensure_ascii=False, indent=2)


def to_csv(records: Iterable[dict[str, Any]]) -> str:
    """UTF-8 with a BOM-free header; lists are joined with " | " so Excel keeps one cell."""
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS)
    writer.writeheader()
    for record in records:
        writer.writerow(_row(record))
    return out.getvalue()


def _row(record: dict[str, Any]) -> dict[str, Any]:
    call = record["call"]
    summary = call.get("summary") or {}
    facts = summary.get("key_facts", {})
    return {
        "call_id": call["call_id"],
        "started_at": call["started_at"],
        "ended_at": call["ended_at"] or "",
        "status": call["status"],
        "call_type": call["call_type"],
        "customer_ref": call["customer_ref"],
        "topic": summary.get("topic_label", ""),
        "disposition": summary.get("disposition", ""),
        "qa_score": summary.get("qa", {}).get("score", ""),
        "summary": " | ".join(summary.get("summary", [])),
        "amounts": " | ".join(facts.get("amounts", [])),
        "dates": " | ".join(facts.get("dates", [])),
        "alerts": " | ".join(f"{a['severity']}: {a['title']}" for a in record["alerts"]),
        "missing_steps": " | ".join(
            s["title"] for s in record["checklist"] if s["required"] and not s["done"]
        ),
        "cards_used": " | ".join(summary.get("cards_used", [])),
        "edited": int(call["edited"]),
    }
