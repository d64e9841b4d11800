"""Sound-alike misrecognitions of pack terms are replaced; ordinary speech is left alone."""

import pytest

from agent_assist.speech.phrases import Correction, PhraseCorrector

PACK_TERMS = (
    "征信",
    "分期",
    "逾期",
    "提前还款",
    "年化利率",
    "代扣",
    "借呗",
    "花呗",
    "白条",
    "还款日",
    "最低还款",
    "减免",
    "协商还款",
    "注销",
    "人脸识别",
    "逾期利息",
    "Alipay",
    "APP",
)


@pytest.fixture(scope="module")
def corrector() -> PhraseCorrector:
    return PhraseCorrector(PACK_TERMS)


CORRECTED = [
    ("我的正心会不会受影响", "我的征信会不会受影响"),
    ("可以分其吗", "可以分期吗"),
    ("年华利率是多少", "年化利率是多少"),
    ("待扣失败了", "代扣失败了"),
    ("接呗借的钱", "借呗借的钱"),
    ("主销账户", "注销账户"),
    ("人脸是别不了", "人脸识别不了"),
    ("最低还宽是多少", "最低还款是多少"),
    # pypinyin reads 还款 as hai kuan; the term's other reading huan still matches.
    ("我想提前换款", "我想提前还款"),
    ("换款日是几号", "还款日是几号"),
    # A lone 预期 is a real word; inside the longer term it is the misrecognition.
    ("预期利息怎么算", "逾期利息怎么算"),
    # Accent confusions: z/zh (增/征), n/l (连/年).
    ("增信报告", "征信报告"),
    ("连化利率", "年化利率"),
    # One syllable of a 4-character term may be further off (比 bi for 利 li).
    ("年化比率", "年化利率"),
    # ASCII terms: whole words, any case, one edit from six letters on.
    ("用alipy付", "用Alipay付"),
    ("打开app还款", "打开APP还款"),
]


@pytest.mark.parametrize(("heard", "corrected"), CORRECTED)
def test_sound_alike_is_replaced_by_the_term(
    corrector: PhraseCorrector, heard: str, corrected: str
) -> None:
    assert corrector.correct(heard)[0] == corrected


KEPT = [
    "已经预期三天了",  # 预期 is an everyday word: kept unless a longer term gives context
    "我们见面谈",  # 见面 sounds exactly like 减免
    "分歧很大",  # 分歧 sounds exactly like 分期
    "分析一下",  # xi is not qi
    "白桥",  # 2-character terms need every syllable near-identical: qiao is one letter off tiao
    "诚信",  # ch/zh is not one of the confusions
    "还款期是几号",  # one syllable off in three characters is too far (期 qi for 日 ri)
    "年化比例",  # two syllables off in four characters is too far
    "正，心",  # windows never span punctuation
    "apple",  # APP only as a whole word
    "ap",  # short ASCII terms need an exact (case-insensitive) match
    "",
]


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_speech_is_kept(corrector: PhraseCorrector, text: str) -> None:
    assert corrector.correct(text) == (text, ())


def test_text_that_already_has_the_terms_is_kept(corrector: PhraseCorrector) -> None:
    text = "提前还款会影响征信吗，最低还款可以减免吗，APP上能注销吗"
    assert corrector.correct(text) == (text, ())


def test_correction_reports_where_and_what(corrector: PhraseCorrector) -> None:
    text, corrections = corrector.correct("alipy和正心")
    assert text == "Alipay和征信"
    assert corrections == (
        Correction("alipy", "Alipay", 0, 5, pytest.approx(5 / 6)),
        Correction("正心", "征信", 6, 8, 1.0),
    )


CONFUSIONS = [
    ("征信", "增信"),  # zh/z
    ("催收", "吹收"),  # ch/c
    ("催收", "催搜"),  # sh/s
    ("年费", "连费"),  # n/l
    ("复利", "互利"),  # f/h
    ("征信", "征性"),  # in/ing
    ("分期", "风期"),  # en/eng
    ("减免", "将免"),  # an/ang (ian/iang)
]


@pytest.mark.parametrize(("term", "heard"), CONFUSIONS)
def test_accent_confusion_counts_as_the_same_syllable(term: str, heard: str) -> None:
    # Two-character terms allow no other miss, so each confusion must be recognised as such.
    assert PhraseCorrector([term]).correct(heard)[0] == term


def test_near_syllable_scores_below_an_exact_one(corrector: PhraseCorrector) -> None:
    _, (exact,) = corrector.correct("正心")
    _, (near,) = corrector.correct("增信")
    assert exact.similarity == 1.0
    assert 0.9 <= near.similarity < 1.0


def test_min_similarity_is_the_threshold() -> None:
    assert PhraseCorrector(["征信"], min_similarity=0.99).correct("增信") == ("增信", ())
    assert PhraseCorrector(["征信"], min_similarity=0.9).correct("增信")[0] == "征信"


def test_keep_words_can_be_replaced_by_the_caller() -> None:
    assert PhraseCorrector(["逾期"]).correct("预期")[0] == "预期"
    assert PhraseCorrector(["逾期"], keep_words=()).correct("预期")[0] == "逾期"


def test_longer_term_wins_over_a_shorter_one_in_the_same_place() -> None:
    text, corrections = PhraseCorrector(["还款", "提前还款"]).correct("提前换款")
    assert text == "提前还款"
    assert [c.term for c in corrections] == ["提前还款"]


def test_longer_term_wins_even_when_the_shorter_starts_first() -> None:
    text, _ = PhraseCorrector(["征信", "信用报告"]).correct("正心用报告")
    assert text == "正信用报告"


def test_a_term_already_in_the_text_is_not_rewritten_by_an_overlapping_one() -> None:
    # 扣宽 sounds like 扣款, but its 扣 belongs to the exact 代扣.
    assert PhraseCorrector(["代扣", "扣款"]).correct("代扣宽") == ("代扣宽", ())


def test_corrections_never_overlap() -> None:
    text, corrections = PhraseCorrector(["代扣", "扣款"]).correct("待扣宽")
    assert text == "代扣宽"
    assert [(c.start, c.end) for c in corrections] == [(0, 2)]


def test_rare_readings_of_text_characters_are_not_used() -> None:
    # pypinyin also lists fu for 还 and xin for 款; speech means hai/huan kuan.
    assert PhraseCorrector(["府心"]).correct("我要还款") == ("我要还款", ())


def test_single_character_and_mixed_terms_are_not_fuzzy_matched() -> None:
    corrector = PhraseCorrector(["息", "VIP客户"])
    assert corrector.correct("西") == ("西", ())
    assert corrector.correct("VIP可户") == ("VIP可户", ())


def test_ascii_edit_needs_a_long_term() -> None:
    assert PhraseCorrector(["Alipay"]).correct("alipy")[0] == "Alipay"
    assert PhraseCorrector(["Alipay"]).correct("alpy")[0] == "alpy"
    assert PhraseCorrector(["Baibt"]).correct("baib")[0] == "baib"


def test_terms_are_distinct_stripped_and_in_order() -> None:
    corrector = PhraseCorrector([" 征信", "分期", "征信", "", "  "])
    assert corrector.terms == ("征信", "分期")
