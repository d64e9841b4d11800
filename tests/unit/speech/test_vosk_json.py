"""Vosk result JSON, in the exact layout KaldiRecognizer prints (spaces before colons)."""

from agent_assist.speech.vosk_json import parse_final, parse_partial

FINAL = """{
  "result" : [{
      "conf" : 0.91,
      "end" : 1.02,
      "start" : 0.84,
      "word" : "提前"
    }, {
      "conf" : 0.88,
      "end" : 1.5,
      "start" : 1.02,
      "word" : "还款"
    }],
  "text" : "提前 还款"
}"""


def test_final_joins_chinese_words_and_keeps_word_times() -> None:
    result = parse_final(FINAL)
    assert result.text == "提前还款"
    assert result.is_final
    assert [(w.text, w.start_s, w.end_s) for w in result.words] == [
        ("提前", 0.84, 1.02),
        ("还款", 1.02, 1.5),
    ]


def test_final_without_words() -> None:
    assert parse_final('{"text" : ""}').text == ""


def test_partial() -> None:
    result = parse_partial('{\n  "partial" : "我 想"\n}')
    assert result.text == "我想"
    assert not result.is_final
    assert result.words == ()
