"""Find and mask personal data in call text: ID numbers, bank cards, phone numbers, SMS codes.

Numbers arrive in many shapes: plain digits, groups split by spaces or dashes, full-width
digits, and digits spoken the way recognition writes them (幺三八 零零一三 …, 叉 for X).
The text is read as runs of digit characters joined by at most a short separator; a run
is then cut into the longest stretches that pass a kind's check:

- ``id_number``: 18 characters with a valid GB 11643 check digit and a real birth date, or the
  old 15-digit form with a real birth date.
- ``bank_card``: 16–19 digits that pass the Luhn check.
- ``phone``: a mainland mobile (1[3-9] + 9 digits, optional 86/+86) or a landline with its
  area code (0 + 2–3 digits, then 7–8 digits).
- ``sms_code``: 4–6 digits said right after a word for a code (验证码, 动态码, code, OTP …).

Checks keep amounts, dates, contract numbers and service numbers (10086) unmasked. A
masked number keeps its last four characters (configurable) so the agent can still match
尾号 against the system; codes are masked whole.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass


class PiiKind(enum.StrEnum):
    ID_NUMBER = "id_number"
    BANK_CARD = "bank_card"
    PHONE = "phone"
    SMS_CODE = "sms_code"


@dataclass(frozen=True, slots=True)
class PiiSpan:
    """One piece of personal data: ``text[start:end]`` as written, ``value`` as digits."""

    kind: PiiKind
    start: int
    end: int
    value: str


_LABELS = {
    "zh": {
        PiiKind.ID_NUMBER: "身份证",
        PiiKind.BANK_CARD: "银行卡",
        PiiKind.PHONE: "电话",
        PiiKind.SMS_CODE: "验证码",
    },
    "en": {
        PiiKind.ID_NUMBER: "ID",
        PiiKind.BANK_CARD: "card",
        PiiKind.PHONE: "phone",
        PiiKind.SMS_CODE: "code",
    },
}

_DIGIT_OF = {
    **{str(d): str(d) for d in range(10)},
    **{chr(0xFF10 + d): str(d) for d in range(10)},  # full-width ０-９
    "零": "0", "〇": "0", "幺": "1", "一": "1", "二": "2", "两": "2", "三": "3",
    "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9",
}  # fmt: skip
_X_CHARS = "Xx叉ＸＸｘ"
_SEPARATORS = " -\u3000－—_.·"
_MAX_SEPARATOR = 4
# Hesitations inside a spoken number ("六二幺四 那个 四三三六") are read as separators.
_FILLERS = re.compile(r"那个|嗯|呃|额|啊")
# Digits right before a unit are an amount or a date, never a code: 3200块, 15号.
_UNIT_AFTER = re.compile(r"\s*[元块万千百号日月年期天个%％]")
# Two numbers run together with no separator (an ID, then a phone) are longer than one card.
_LONGEST_NUMBER = 19
# Chinese digits alone are ordinary words (一, 三个); a run of them is a number only from 4 on.
_MIN_SPOKEN_RUN = 4
_CODE_WORDS = re.compile(
    r"(验证码|校验码|动态码|短信码|动态密码|短信验证|确认码|授权码|\bcode\b|\bOTP\b|\bpin\b)",
    re.IGNORECASE,
)
_CODE_WINDOW = 12  # characters between the code word and the digits
# Said right after these words, a card or ID number is one even when a misheard digit breaks
# its check digit: stored text must not keep it in clear.
_CARD_WORDS = re.compile(r"(卡号|银行卡|信用卡|储蓄卡|借记卡|\bcard\b)", re.IGNORECASE)
_ID_WORDS = re.compile(r"(身份证|证件号|\bID\b)", re.IGNORECASE)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MOBILE = re.compile(r"(?:\+?86)?1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{9,11}")


@dataclass(frozen=True, slots=True)
class _Char:
    position: int
    digit: str  # "0"-"9" or "X"


def find_pii(text: str) -> list[PiiSpan]:
    """Every piece of personal data in ``text``, in order, never overlapping."""
    spans: list[PiiSpan] = []
    scan = _FILLERS.sub(lambda m: " " * len(m.group()), text)
    for run in _digit_runs(scan):
        spans.extend(_classify_run(text, run))
    return spans


def mask_pii(text: str, keep_last: int = 4, language: str = "zh") -> str:
    """``text`` with every span of :func:`find_pii` replaced by ``[label ****1234]``."""
    spans = find_pii(text)
    if not spans:
        return text
    labels = _LABELS.get(language, _LABELS["zh"])
    parts, last = [], 0
    for span in spans:
        keep = 0 if span.kind is PiiKind.SMS_CODE else keep_last
        tail = span.value[-keep:] if keep > 0 else ""
        parts.append(text[last : span.start])
        parts.append(f"[{labels[span.kind]} ****{tail}]")
        last = span.end
    parts.append(text[last:])
    return "".join(parts)


def is_valid_id_number(value: str) -> bool:
    """An 18-character ID with its check digit, or a 15-digit old ID, with a real birth date."""
    value = value.upper()
    if len(value) == 18 and value[:17].isdigit():
        total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
        return _ID_CHECK[total % 11] == value[17] and _is_birth_date(value[6:14])
    if len(value) == 15 and value.isdigit():
        return _is_birth_date("19" + value[6:12])
    return False


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _is_birth_date(yyyymmdd: str) -> bool:
    try:
        born = dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return born.year >= 1900 and born <= dt.date.today()


def _digit_runs(text: str) -> list[list[list[_Char]]]:
    """Runs of digits as groups: separators of ≤ 2 characters split groups, not runs."""
    runs: list[list[list[_Char]]] = []
    groups: list[list[_Char]] = []
    group: list[_Char] = []
    gap = 0
    for position, char in enumerate(text):
        digit = _DIGIT_OF.get(char)
        if digit is None and char in _X_CHARS and group:
            digit = "X"
        if digit is not None:
            if gap and group:
                groups.append(group)
                group = []
            group.append(_Char(position, digit))
            gap = 0
        elif char in _SEPARATORS and (group or groups) and gap < _MAX_SEPARATOR:
            gap += 1
        else:
            _close(runs, groups, group)
            groups, group, gap = [], [], 0
    _close(runs, groups, group)
    return runs


def _close(runs: list[list[list[_Char]]], groups: list[list[_Char]], group: list[_Char]) -> None:
    if group:
        groups.append(group)
    if groups:
        runs.append(groups)


def _classify_run(text: str, groups: list[list[_Char]]) -> list[PiiSpan]:
    """Cut a run into the longest stretches of whole groups, or of digits in one group."""
    spans: list[PiiSpan] = []
    i = 0
    while i < len(groups):
        for j in range(len(groups), i, -1):
            chars = [c for g in groups[i:j] for c in g]
            # Landlines and codes are short and loose: only a whole run counts as one.
            span = _classify(text, chars, strict=(i, j) != (0, len(groups)))
            if span is not None:
                spans.append(span)
                i = j
                break
        else:
            spans.extend(_classify_inside(text, groups[i]))
            i += 1
    return spans


def _classify_inside(text: str, chars: list[_Char]) -> list[PiiSpan]:
    """Numbers run together with no separator (an ID then a phone): slide over the digits."""
    if len(chars) <= _LONGEST_NUMBER:
        return []
    # IDs first, then cards, then mobiles (with and without 86); landlines need a whole run.
    for size in (18, 15, 19, 17, 16, 13, 11):
        for start in range(len(chars) - size + 1):
            found = _classify(text, chars[start : start + size], strict=True)
            if found is not None:
                return [
                    *_classify_inside(text, chars[:start]),
                    found,
                    *_classify_inside(text, chars[start + size :]),
                ]
    return []


def _classify(text: str, chars: list[_Char], strict: bool = False) -> PiiSpan | None:
    if not chars:
        return None
    value = "".join(c.digit for c in chars)
    start, end = chars[0].position, chars[-1].position + 1
    written = text[start:end]
    spoken_only = all(not ch.isdigit() for ch in written if ch not in _SEPARATORS)
    if spoken_only and len(value) < _MIN_SPOKEN_RUN:
        return None
    if "X" in value[:-1]:
        return None
    kind = _kind_of(value, text, start, end, strict)
    return None if kind is None else PiiSpan(kind, start, end, value)


def _kind_of(value: str, text: str, start: int, end: int, strict: bool) -> PiiKind | None:
    if len(value) in (15, 18) and is_valid_id_number(value):
        return PiiKind.ID_NUMBER
    if "X" in value:
        return None
    if 16 <= len(value) <= 19 and luhn_ok(value):
        return PiiKind.BANK_CARD
    if not strict and len(value) == 18 and _after_word(_ID_WORDS, text, start):
        return PiiKind.ID_NUMBER
    if not strict and 16 <= len(value) <= 19 and _after_word(_CARD_WORDS, text, start):
        return PiiKind.BANK_CARD
    if _MOBILE.fullmatch(value) or (not strict and _LANDLINE.fullmatch(value)):
        return PiiKind.PHONE
    if not strict and 4 <= len(value) <= 6 and _after_code_word(text, start, end):
        return PiiKind.SMS_CODE
    return None


def _after_code_word(text: str, start: int, end: int) -> bool:
    if _UNIT_AFTER.match(text, end):
        return False
    return _after_word(_CODE_WORDS, text, start)


def _after_word(words: re.Pattern[str], text: str, start: int) -> bool:
    """One of ``words`` ends at most _CODE_WINDOW characters before ``start``."""
    window = text[max(0, start - _CODE_WINDOW - 8) : start]
    ends = [match.end() for match in words.finditer(window)]
    return bool(ends) and len(window) - ends[-1] <= _CODE_WINDOW
