"""Rewrite spelled-out Chinese numbers in recognised text as Arabic digits.

Vosk's Chinese models spell every number out (两千三百元, 十二期, 幺三八…). The later stages
(amounts, dates, instalment counts) want digits, so finals pass through :func:`normalize_numbers`.

A run of numeral characters is converted when it is clearly a number:

- ``百分之…`` becomes a percentage: 百分之二十四点五 → 24.5%, 百分之百 → 100%.
- ``…点…`` with digits after 点 is a decimal: 三点五 → 3.5; a trailing 万/亿 is multiplied out,
  so 一点五万 → 15000 (amounts downstream are plain integers).
- Two or more characters with 十/百/千/万/亿 are parsed as a spoken number, including the
  colloquial dropped unit (一万五 → 15000, 三千五 → 3500) and 零 (一百零八 → 108).
- Three or more digits without units are read digit by digit (二零二四 → 2024,
  幺三八… → 138…); two bare digits are an estimate (三四个 "three or four") and stay.
- A single character is converted only before a unit word (元, 期, 月, 号, 年, 个月, 点 …), or
  before a classifier (个, 次, 张 …) when it is not 一. 一 + classifier is usually the article
  "a" (一个问题, 一次性) and stays, unless 第 precedes it (第一次 → 第1次). So 两个人 → 2个人.

Everything else stays, which keeps 一下, 一些, 统一, 十分, 万一 (no digit before 万),
千万 (no digit at all), 三心二意 and 三七二十一 (not a well-formed number) as they are.
A few phrases the rules above would get wrong are listed in ``_PROTECTED``.
"""

from __future__ import annotations

import re
from decimal import Decimal

_ZEROS = "零〇"
_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
# Phone, card and year digits: 幺 is read for 一, and 两 is never used.
_SPOKEN_DIGITS = {**{c: v for c, v in _DIGITS.items() if c != "两"}, "幺": 1}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_SCALES = (("亿", 10**8), ("万", 10**4))

_NUMBER = re.compile(
    r"(?P<percent>百分之)?"
    r"(?P<integer>[零〇一二两三四五六七八九幺十百千万亿]++)"
    # A digit followed by 十/百/千 after 点 is a clock time (三点五十), not a decimal.
    r"(?:点(?P<decimals>[零〇一二三四五六七八九]++)(?![十百千])(?P<scale>[万亿])?)?"
)
# 一点 "a little" (but 一点钟/一点半 is a time), 一块儿 "together", 七七八八 "nearly".
_PROTECTED = re.compile(r"一点一点|一点(?![钟半])|一块儿|七七八八")

_UNIT_WORDS = (
    "元", "块", "毛", "角", "期", "月", "号", "日", "年", "天", "周", "岁",
    "小时", "分钟", "秒", "点", "倍", "个月", "个工作日",
)  # fmt: skip
_CLASSIFIERS = (
    "个", "位", "次", "张", "条", "件", "种", "份", "家", "项",
    "遍", "笔", "台", "套", "本", "句", "名", "户", "成", "折",
)  # fmt: skip


def normalize_numbers(text: str) -> str:
    """Return ``text`` with spoken Chinese numbers written as Arabic digits."""
    protected = [match.span() for match in _PROTECTED.finditer(text)]

    def replace(match: re.Match[str]) -> str:
        if any(start <= match.start() and match.end() <= end for start, end in protected):
            return match.group()
        return _convert(match, text) or match.group()

    return _NUMBER.sub(replace, text)


def _convert(match: re.Match[str], text: str) -> str | None:
    integer, decimals = match["integer"], match["decimals"]
    if match["percent"]:
        value = "100" if integer == "百" and not decimals else _number(integer, decimals, None)
        return None if value is None else f"{value}%"
    if decimals:
        return _number(integer, decimals, match["scale"])
    if len(integer) == 1:
        return _single(integer, text[: match.start()], text[match.end() :])
    if all(char in _SPOKEN_DIGITS or char == "两" for char in integer):
        return _digit_string(integer)
    value = _parse_integer(integer)
    return None if value is None else str(value)


def _number(integer: str, decimals: str | None, scale: str | None) -> str | None:
    whole = 0 if integer in _ZEROS else _parse_integer(integer)
    if whole is None:
        return None
    if not decimals:
        return str(whole)
    fraction = "".join(str(_DIGITS[char]) for char in decimals)
    if not scale:
        return f"{whole}.{fraction}"
    value = Decimal(f"{whole}.{fraction}") * dict(_SCALES)[scale]
    return str(int(value)) if value == value.to_integral_value() else f"{value.normalize():f}"


def _single(char: str, before: str, after: str) -> str | None:
    value = 0 if char in _ZEROS else _parse_integer(char)
    if value is None:
        return None
    if after.startswith(_UNIT_WORDS):
        return str(value)
    if after.startswith(_CLASSIFIERS) and (char != "一" or before.endswith("第")):
        return str(value)
    return None


def _digit_string(integer: str) -> str | None:
    if len(integer) < 3 or "两" in integer:
        return None
    return "".join(str(_SPOKEN_DIGITS[char]) for char in integer)


def _parse_integer(text: str, scales: tuple[tuple[str, int], ...] = _SCALES) -> int | None:
    """Value of a spoken integer such as 一亿二千万, or None when it is not well formed."""
    if not scales:
        return _parse_section(text)
    (char, size), smaller = scales[0], scales[1:]
    head, found, tail = text.partition(char)
    if not found:
        return _parse_integer(text, smaller)
    high = _parse_integer(head, smaller) if head else None
    low = _parse_tail(tail, size, smaller)
    return None if high is None or low is None else high * size + low


def _parse_tail(tail: str, size: int, scales: tuple[tuple[str, int], ...]) -> int | None:
    """Value of what follows 万 or 亿, which must stay below that unit."""
    if not tail:
        return 0
    if len(tail) == 1 and tail not in _ZEROS and tail in _DIGITS:
        return _DIGITS[tail] * size // 10  # 一万五: the unit after 五 is dropped
    if tail[0] in _ZEROS:
        tail = tail[1:]
    value = _parse_integer(tail, scales) if tail else None
    return value if value is not None and value < size else None


def _parse_section(text: str) -> int | None:
    """Value of a number below 10 000 built from 千/百/十 and 零, or None if malformed."""
    total, digit, last_unit, after_zero = 0, None, 10_000, False
    for index, char in enumerate(text):
        if char in _ZEROS:
            if total == 0 or digit is not None or after_zero:
                return None
            after_zero = True
        elif char in _DIGITS:
            if digit is not None:
                return None
            digit = _DIGITS[char]
        elif char in _SMALL_UNITS and _SMALL_UNITS[char] < last_unit:
            if digit is None and (char != "十" or index > 0):
                return None
            last_unit = _SMALL_UNITS[char]
            total += (1 if digit is None else digit) * last_unit
            digit, after_zero = None, False
        else:
            return None
    return _add_last_digit(total, digit, last_unit, after_zero) if text else None


def _add_last_digit(total: int, digit: int | None, last_unit: int, after_zero: bool) -> int | None:
    if digit is None:
        return None if after_zero else total
    if after_zero or last_unit == 10_000:
        return total + digit
    return total + digit * last_unit // 10  # 三千五: the unit after 五 is dropped
