"""Exact, pinyin and co-occurrence matching of rule phrasings, with negation."""

from __future__ import annotations

from agent_assist.guidance.matching import (
    PatternMatcher,
    PhraseMatcher,
    contains_unnegated,
    normalise,
)


def test_normalise_drops_spaces_punctuation_and_width() -> None:
    assert normalise("您好， ＡＰＰ 里 看一下！") == "您好app里看一下"


def test_phrase_matches_exactly_and_by_pinyin() -> None:
    matcher = PhraseMatcher([("g", "保证能批")])
    assert [h.how for h in matcher.find(normalise("我保证能批下来"))] == ["exact"]
    assert [h.how for h in matcher.find(normalise("我保正能批下来"))] == ["pinyin"]


def test_negated_phrase_is_not_a_hit() -> None:
    matcher = PhraseMatcher([("g", "保证能批"), ("t", "上门")])
    assert matcher.find(normalise("我不能保证能批")) == []
    assert matcher.find(normalise("我们不会上门")) == []
    # A negation further back is about something else: 不还 … 上门 is still a threat.
    assert [h.key for h in matcher.find(normalise("你不还我们就上门"))] == ["t"]


def test_pattern_needs_every_group_close_together() -> None:
    matcher = PatternMatcher([("id", "身份证号 + 报|念")])
    assert matcher.find(normalise("麻烦把身份证号报一下"))
    assert not matcher.find(normalise("身份证号码我们系统里有"))
    far = "身份证号" + "我们这边系统里面都已经有记录了您放心后面" + "念"
    assert not matcher.find(normalise(far))


def test_a_negated_excuse_does_not_excuse() -> None:
    assert contains_unnegated(normalise("这笔是我本人操作的"), ["是我本人操作"])
    assert not contains_unnegated(normalise("这笔不是我本人操作的"), ["是我本人操作"])
    assert contains_unnegated(normalise("不是我 是我本人操作的"), ["是我本人操作"])
