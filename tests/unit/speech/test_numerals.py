"""Spoken Chinese numbers become Arabic digits; words that merely contain 一/十/万 do not."""

import pytest

from agent_assist.speech.numerals import normalize_numbers

CONVERTED = [
    # Amounts, with units and the colloquial dropped last unit.
    ("两千三百元", "2300元"),
    ("一万五", "15000"),
    ("一万五千", "15000"),
    ("三千五", "3500"),
    ("一千二", "1200"),
    ("两百五", "250"),
    ("两百块", "200块"),
    ("一百零八", "108"),
    ("一千零五", "1005"),
    ("一千零五十", "1050"),
    ("一万零五", "10005"),
    ("一万三千五", "13500"),
    ("二十一", "21"),
    ("十二期", "12期"),
    ("十万", "100000"),
    ("二十万", "200000"),
    ("一亿二千万", "120000000"),
    ("一亿二", "120000000"),
    ("一万亿", "1000000000000"),
    # Ordinals, dates, durations and clock times.
    ("第一期", "第1期"),
    ("第一次", "第1次"),
    ("三月五号", "3月5号"),
    ("二零二四年三月", "2024年3月"),
    ("一个月", "1个月"),
    ("逾期一天", "逾期1天"),
    ("十分钟", "10分钟"),
    ("两个人", "2个人"),
    ("十一点", "11点"),
    ("一点钟", "1点钟"),
    ("三点五十分", "3点50分"),
    # Decimals and percentages.
    ("三点五", "3.5"),
    ("零点五", "0.5"),
    ("一点五万", "15000"),
    ("一点二三四五六万", "12345.6"),
    ("年化百分之二十四", "年化24%"),
    ("百分之二十四点五", "24.5%"),
    ("百分之零点五", "0.5%"),
    ("百分之五", "5%"),
    ("百分之百", "100%"),
    # Digit strings: phone, card and year digits, read one by one.
    ("幺三八一二三四五六七八", "13812345678"),
    ("尾号一二三四", "尾号1234"),
    ("二〇二五年", "2025年"),
    ("零幺零", "010"),
]


@pytest.mark.parametrize(("spoken", "written"), CONVERTED)
def test_spoken_number_is_written_in_digits(spoken: str, written: str) -> None:
    assert normalize_numbers(spoken) == written


UNCHANGED = [
    # 一 before something that is not a unit, classifier or numeral.
    "一下",
    "看一下",
    "一些",
    "一直",
    "一起",
    "一定",
    "一样",
    "一般",
    "统一",
    "一会儿",
    "一旦",
    "一模一样",
    "一心一意",
    # 一 + classifier is the article "a".
    "有一个问题",
    "一次性还清",
    "一张卡",
    # 一点 "a little", 一块儿 "together".
    "一点",
    "一点儿",
    "有一点",
    "差一点点",
    "一点一点还",
    "我们一块儿去",
    # Units with no digit before them, and malformed numbers.
    "万一",
    "千万别",
    "十分",
    "十分感谢",
    "三心二意",
    "不管三七二十一",
    "百分之",
    "五零十",  # 零 between a digit and its unit
    "一千零零五",
    # Estimates: two digits side by side.
    "三四个",
    "七八十",
    "乱七八糟",
    "三三两两",
    "七七八八",
    # A lone numeral with nothing countable after it.
    "五",
    "星期五",
    # Already digits.
    "3000元",
    "12期",
    "",
]


@pytest.mark.parametrize("text", UNCHANGED)
def test_word_that_is_not_a_number_is_kept(text: str) -> None:
    assert normalize_numbers(text) == text


SENTENCES = [
    ("我想分十二期还两千三百元", "我想分12期还2300元"),
    ("您的年化利率是百分之二十四点五", "您的年化利率是24.5%"),
    ("请您看一下第一期的账单", "请您看一下第1期的账单"),
    ("二零二四年三月五号之前还一万五", "2024年3月5号之前还15000"),
    ("我的手机号是幺三八一二三四五六七八", "我的手机号是13812345678"),
    ("万一还不上千万别失联", "万一还不上千万别失联"),
    ("已经还了3000元还差一千二", "已经还了3000元还差1200"),
    ("有一点困难能不能减免三千五", "有一点困难能不能减免3500"),
]


@pytest.mark.parametrize(("spoken", "written"), SENTENCES)
def test_numbers_inside_a_sentence(spoken: str, written: str) -> None:
    assert normalize_numbers(spoken) == written


@pytest.mark.parametrize("spoken", [spoken for spoken, _ in CONVERTED + SENTENCES])
def test_normalising_twice_changes_nothing_more(spoken: str) -> None:
    once = normalize_numbers(spoken)
    assert normalize_numbers(once) == once
