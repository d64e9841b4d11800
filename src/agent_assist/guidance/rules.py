"""What a pack's ``guidance.yaml`` says: compliance and risk rules, checklists, call policies.

The file is optional; a pack without it gets no live guidance beyond privacy masking. Every
list is keyed by id, so a team pack can replace one rule of the base pack.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

GUIDANCE_FILE = "guidance.yaml"
# Optional: labelled phrasings that teach the meaning classifier, kept apart from the rules
# so the rules stay short to read and the phrasings can grow from QA reviews.
GUIDANCE_EXAMPLES_FILE = "guidance_examples.yaml"
_ID = r"^[a-z0-9][a-z0-9_.-]*$"


class Detector(enum.StrEnum):
    """Which stage runs a rule, and on which side of the call."""

    COMPLIANCE = "compliance"  # the agent says something a QA team flags
    PRIVACY_ASK = "privacy_ask"  # the agent asks for a full ID, card, password or code
    RISK = "risk"  # the customer describes fraud or account takeover

    @property
    def side(self) -> str:
        return "customer" if self is Detector.RISK else "agent"


class Severity(enum.StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class _GuidanceModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Ticket(_GuidanceModel):
    """The risk ticket the alert pre-fills."""

    queue: str = Field(min_length=1)
    priority: Literal["P1", "P2", "P3"] = "P2"
    summary: str = ""


class Rule(_GuidanceModel):
    """Phrasings to catch, matched exactly, by pinyin and by meaning.

    ``phrases`` match as written or as recognition mis-hears them (same pinyin);
    ``examples`` match by meaning. ``unless`` phrases in the same utterance (不能保证,
    后四位) make it compliant; ``counter_examples`` are compliant phrasings close in meaning,
    which a meaning match must beat.
    """

    id: str = Field(min_length=1, pattern=_ID)
    detector: Detector
    category: str = Field(min_length=1, pattern=_ID)
    severity: Severity = Severity.MEDIUM
    title: str = Field(min_length=1)
    phrases: tuple[str, ...] = ()
    # Words that together make the phrasing: "身份证号|证件号 + 报|念|告诉" needs one word of
    # each " + " group anywhere in the utterance, each not negated.
    patterns: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    counter_examples: tuple[str, ...] = ()
    say_instead: str = ""
    ticket: Ticket | None = None
    call_types: tuple[str, ...] = ()  # empty: every call type

    @model_validator(mode="after")
    def _something_to_match(self) -> Rule:
        if not self.phrases and not self.examples and not self.patterns:
            raise ValueError("a rule needs phrases, patterns or examples to match")
        for pattern in self.patterns:
            groups = [g.strip() for g in pattern.split("+")]
            if not all(w.strip() for g in groups for w in g.split("|")):
                raise ValueError(f"pattern {pattern!r}: write groups as 'a|b + c|d'")
        if self.ticket is not None and self.detector is not Detector.RISK:
            raise ValueError("only risk rules pre-fill a ticket")
        return self


class Step(_GuidanceModel):
    """A required step of a call, ticked when the agent says it.

    ``required_if`` phrases (from either side) make a step required only once the call
    touches them, e.g. the annualised rate once cost is discussed.
    """

    id: str = Field(min_length=1, pattern=_ID)
    title: str = Field(min_length=1)
    phrases: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    script: str = ""
    required_if: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _something_to_match(self) -> Step:
        if not self.phrases and not self.examples:
            raise ValueError("a step needs phrases or examples to tick it")
        return self


class CallType(_GuidanceModel):
    id: str = Field(min_length=1, pattern=_ID)
    title: str = Field(min_length=1)
    steps: tuple[str, ...] = ()
    collections: bool = False  # contact-hour, contact-count and third-party rules apply


class CollectionsPolicy(_GuidanceModel):
    """When and how often a debtor may be called, and what is disclosure of the debt."""

    first_hour: int = Field(8, ge=0, le=23)
    last_hour: int = Field(22, ge=1, le=24)  # calls must end before this hour
    max_contacts_per_day: int = Field(3, ge=1, le=50)
    debt_phrases: tuple[str, ...] = ("欠款", "逾期", "欠费", "欠钱", "催收", "结清", "还清")
    # Until this step is ticked, the person on the line is not known to be the debtor.
    identity_step: str = "identity_check"
    say_instead: str = "请问您是本人吗？在核实身份之前，我不能透露具体事项。"


class EmotionLexicon(_GuidanceModel):
    """Words and example sentences of one emotion, and the script that answers it."""

    phrases: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    script: str = ""


class EmotionRules(_GuidanceModel):
    angry: EmotionLexicon = EmotionLexicon()
    distressed: EmotionLexicon = EmotionLexicon()
    calm_examples: tuple[str, ...] = ()
    # What an agent says when acknowledging the feeling (理解您的心情, 非常抱歉 …).
    acknowledge: tuple[str, ...] = ()


class GuidanceRules(_GuidanceModel):
    """The whole of guidance.yaml."""

    rules: tuple[Rule, ...] = ()
    steps: tuple[Step, ...] = ()
    call_types: tuple[CallType, ...] = ()
    default_call_type: str = ""
    collections: CollectionsPolicy = CollectionsPolicy()
    emotion: EmotionRules = EmotionRules()
    # An agent warning against or denying a practice (如果有人…, …是诈骗, 不建议…) names it
    # without doing it: these phrases excuse the agent-side rules for that utterance.
    warning_framing: tuple[str, ...] = ()
    # Everyday service talk: counter-examples for every meaning match, so ordinary questions
    # ("您是用哪张卡还的", "手续费怎么收") do not drift onto a rule's examples.
    ordinary_examples: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _references_resolve(self) -> GuidanceRules:
        step_ids = {s.id for s in self.steps}
        type_ids = {t.id for t in self.call_types}
        for call_type in self.call_types:
            missing = [s for s in call_type.steps if s not in step_ids]
            if missing:
                raise ValueError(f"call type {call_type.id!r} names unknown steps {missing}")
        if self.default_call_type and self.default_call_type not in type_ids:
            raise ValueError(f"default_call_type {self.default_call_type!r} is not a call type")
        for rule in self.rules:
            unknown = [t for t in rule.call_types if t not in type_ids]
            if unknown:
                raise ValueError(f"rule {rule.id!r} names unknown call types {unknown}")
        for name, items in (
            ("rule", self.rules),
            ("step", self.steps),
            ("call type", self.call_types),
        ):
            seen: set[str] = set()
            for item in items:
                if item.id in seen:
                    raise ValueError(f"duplicate {name} id {item.id!r}")
                seen.add(item.id)
        return self

    def call_type(self, call_type_id: str | None) -> CallType | None:
        wanted = call_type_id or self.default_call_type
        return next((t for t in self.call_types if t.id == wanted), None)


class RuleExamples(_GuidanceModel):
    examples: tuple[str, ...] = ()
    counter_examples: tuple[str, ...] = ()


class EmotionExamples(_GuidanceModel):
    angry: tuple[str, ...] = ()
    distressed: tuple[str, ...] = ()
    calm: tuple[str, ...] = ()


class GuidanceExamples(_GuidanceModel):
    """The whole of guidance_examples.yaml: more examples for rules named in guidance.yaml."""

    rules: dict[str, RuleExamples] = {}
    ordinary: tuple[str, ...] = ()
    emotion: EmotionExamples = EmotionExamples()


def with_examples(rules: GuidanceRules, extra: GuidanceExamples) -> GuidanceRules:
    """``rules`` with the phrasings of ``extra`` added; ValueError names an unknown rule."""
    known = {r.id for r in rules.rules}
    unknown = sorted(set(extra.rules) - known)
    if unknown:
        raise ValueError(f"rules {unknown} are not in {GUIDANCE_FILE}")

    def grown(rule: Rule) -> Rule:
        more = extra.rules.get(rule.id)
        if more is None:
            return rule
        return rule.model_copy(
            update={
                "examples": _union(rule.examples, more.examples),
                "counter_examples": _union(rule.counter_examples, more.counter_examples),
            }
        )

    emotion = rules.emotion
    emotion = emotion.model_copy(
        update={
            "angry": emotion.angry.model_copy(
                update={"examples": _union(emotion.angry.examples, extra.emotion.angry)}
            ),
            "distressed": emotion.distressed.model_copy(
                update={"examples": _union(emotion.distressed.examples, extra.emotion.distressed)}
            ),
            "calm_examples": _union(emotion.calm_examples, extra.emotion.calm),
        }
    )
    return rules.model_copy(
        update={
            "rules": tuple(grown(r) for r in rules.rules),
            "ordinary_examples": _union(rules.ordinary_examples, extra.ordinary),
            "emotion": emotion,
        }
    )


def _union(first: tuple[str, ...], more: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*first, *more)))


def merge_guidance(parts: Sequence[GuidanceRules]) -> GuidanceRules:
    """Later packs replace rules, steps and call types with the same id, and the policies."""
    if len(parts) == 1:
        return parts[0]
    rules: dict[str, Rule] = {}
    steps: dict[str, Step] = {}
    call_types: dict[str, CallType] = {}
    merged = GuidanceRules()
    for part in parts:
        rules.update((r.id, r) for r in part.rules)
        steps.update((s.id, s) for s in part.steps)
        call_types.update((t.id, t) for t in part.call_types)
        defaults = part.model_fields_set
        merged = merged.model_copy(
            update={
                k: getattr(part, k)
                for k in (
                    "default_call_type",
                    "collections",
                    "emotion",
                    "warning_framing",
                    "ordinary_examples",
                )
                if k in defaults
            }
        )
    return merged.model_copy(
        update={
            "rules": tuple(rules.values()),
            "steps": tuple(steps.values()),
            "call_types": tuple(call_types.values()),
        }
    )
