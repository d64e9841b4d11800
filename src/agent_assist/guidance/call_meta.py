"""What is known about a call before it starts, and the collections rules that follow from it."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agent_assist.errors import AgentAssistError
from agent_assist.guidance.rules import CollectionsPolicy

DEFAULT_TIME_ZONE = "Asia/Shanghai"


class Party(enum.StrEnum):
    """Who answered: the debtor, someone else, or not known yet."""

    DEBTOR = "debtor"
    THIRD_PARTY = "third_party"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class CallMetadata:
    """From the dialler, the softphone or the agent: ``customer_ref`` is the lender's
    customer or account reference (used to count today's contacts), never a phone number."""

    call_type: str = ""
    customer_ref: str = ""
    time_zone: str = DEFAULT_TIME_ZONE
    party: Party = Party.UNKNOWN
    outbound: bool = False

    def local_time(self, now_utc: dt.datetime) -> dt.datetime:
        try:
            return now_utc.astimezone(ZoneInfo(self.time_zone))
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise AgentAssistError(
                f"Unknown time zone {self.time_zone!r}: use an IANA name such as Asia/Shanghai"
            ) from exc


@dataclass(frozen=True, slots=True)
class PolicyBreach:
    rule_id: str
    title: str
    advice: str


def contact_breaches(
    policy: CollectionsPolicy, meta: CallMetadata, now_utc: dt.datetime, contacts_today: int
) -> list[PolicyBreach]:
    """Breaches known at the start of a collections call: the hour and today's count.

    ``contacts_today`` counts earlier calls to the same customer today, not this one.
    """
    breaches = []
    local = meta.local_time(now_utc)
    if not policy.first_hour <= local.hour < policy.last_hour:
        breaches.append(
            PolicyBreach(
                "collections-hours",
                f"催收时间外联系（客户当地 {local:%H:%M}，允许 "
                f"{policy.first_hour:02d}:00–{policy.last_hour:02d}:00）",
                "请结束通话，在允许的时段内再联系客户。",
            )
        )
    if contacts_today >= policy.max_contacts_per_day:
        breaches.append(
            PolicyBreach(
                "collections-daily-count",
                f"今日已联系该客户 {contacts_today} 次（上限 {policy.max_contacts_per_day} 次）",
                "今日联系次数已达上限，请结束通话并改日再联系。",
            )
        )
    if meta.party is Party.THIRD_PARTY:
        breaches.append(
            PolicyBreach(
                "collections-third-party",
                "接听人不是债务人本人",
                "不得向第三人透露欠款信息，只可请其转告本人回电。",
            )
        )
    return breaches
