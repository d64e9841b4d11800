"""Display names of the fixed vocabularies (speakers, card kinds, topics, alert kinds,
dispositions), translated into the interface language."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from agent_assist.domain import Speaker, SuggestionKind
from agent_assist.guidance.events import AlertKind

_SPEAKERS = {
    Speaker.CUSTOMER: QT_TRANSLATE_NOOP("Labels", "Customer"),
    Speaker.AGENT: QT_TRANSLATE_NOOP("Labels", "Agent"),
}
_KINDS = {
    SuggestionKind.ANSWER: QT_TRANSLATE_NOOP("Labels", "Answer"),
    SuggestionKind.SCRIPT: QT_TRANSLATE_NOOP("Labels", "Script"),
}
_TOPICS = {
    "repayment_early": QT_TRANSLATE_NOOP("Labels", "Early repayment"),
    "repayment_failed": QT_TRANSLATE_NOOP("Labels", "Repayment not credited"),
    "overdue_fees": QT_TRANSLATE_NOOP("Labels", "Overdue fees"),
    "credit_report": QT_TRANSLATE_NOOP("Labels", "Credit report"),
    "credit_limit": QT_TRANSLATE_NOOP("Labels", "Credit limit"),
    "interest_rate": QT_TRANSLATE_NOOP("Labels", "Interest rate"),
    "installment_plan": QT_TRANSLATE_NOOP("Labels", "Instalments"),
    "bill_inquiry": QT_TRANSLATE_NOOP("Labels", "Bill"),
    "refund": QT_TRANSLATE_NOOP("Labels", "Refund"),
    "account_security": QT_TRANSLATE_NOOP("Labels", "Account security"),
    "fraud_scam": QT_TRANSLATE_NOOP("Labels", "Fraud"),
    "hardship": QT_TRANSLATE_NOOP("Labels", "Hardship"),
    "account_closure": QT_TRANSLATE_NOOP("Labels", "Account closure"),
    "complaint": QT_TRANSLATE_NOOP("Labels", "Complaint"),
    "identity_verification": QT_TRANSLATE_NOOP("Labels", "Identity check"),
    "promotion": QT_TRANSLATE_NOOP("Labels", "Promotions"),
    "loan_application": QT_TRANSLATE_NOOP("Labels", "Loan application"),
    "contact_update": QT_TRANSLATE_NOOP("Labels", "Contact details"),
    "other": QT_TRANSLATE_NOOP("Labels", "Other"),
}
_ALERT_KINDS = {
    AlertKind.COMPLIANCE: QT_TRANSLATE_NOOP("Labels", "Compliance"),
    AlertKind.PRIVACY_ASK: QT_TRANSLATE_NOOP("Labels", "Privacy"),
    AlertKind.RISK: QT_TRANSLATE_NOOP("Labels", "Risk"),
    AlertKind.EMOTION: QT_TRANSLATE_NOOP("Labels", "Emotion"),
    AlertKind.COLLECTIONS: QT_TRANSLATE_NOOP("Labels", "Collections"),
    AlertKind.CHECKLIST: QT_TRANSLATE_NOOP("Labels", "Steps"),
}
DISPOSITIONS = {
    "answered": QT_TRANSLATE_NOOP("Labels", "Answered"),
    "promise_to_pay": QT_TRANSLATE_NOOP("Labels", "Promised to pay"),
    "no_promise": QT_TRANSLATE_NOOP("Labels", "No promise to pay"),
    "escalated_risk": QT_TRANSLATE_NOOP("Labels", "Escalated to risk"),
    "complaint": QT_TRANSLATE_NOOP("Labels", "Complaint"),
    "unresolved": QT_TRANSLATE_NOOP("Labels", "Unresolved"),
    "callback": QT_TRANSLATE_NOOP("Labels", "Call back"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("Labels", text)


def speaker(value: Speaker) -> str:
    return _tr(_SPEAKERS[value])


def card_kind(value: SuggestionKind) -> str:
    return _tr(_KINDS[value])


def topic(key: str) -> str:
    """A pack topic's name; a topic this version does not know shows as its key."""
    return _tr(_TOPICS[key]) if key in _TOPICS else key


def alert_kind(value: AlertKind) -> str:
    return _tr(_ALERT_KINDS[value])


_FACTS = {
    "amounts": QT_TRANSLATE_NOOP("Labels", "Amounts"),
    "dates": QT_TRANSLATE_NOOP("Labels", "Dates"),
    "rates": QT_TRANSLATE_NOOP("Labels", "Rates"),
    "instalments": QT_TRANSLATE_NOOP("Labels", "Instalments"),
}


def fact(key: str) -> str:
    """The name of a kind of key fact in a call summary."""
    return _tr(_FACTS[key]) if key in _FACTS else key


def disposition(key: str) -> str:
    return _tr(DISPOSITIONS.get(key, key))
