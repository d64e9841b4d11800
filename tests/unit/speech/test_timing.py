import pytest

from agent_assist.domain import Speaker, Transcript, Word
from agent_assist.speech.events import TimingKind, TimingSignal
from agent_assist.speech.timing import (
    DETAIL_CHARS_PER_MIN,
    DETAIL_DEAD_AIR,
    DETAIL_OVERLAP,
    DETAIL_SIDE_SILENT,
    DETAIL_WORDS_PER_MIN,
    CallTimingTracker,
)

AGENT, CUSTOMER = Speaker.AGENT, Speaker.CUSTOMER


def _final(speaker: Speaker, *words: tuple[str, float, float]) -> Transcript:
    """A final whose words carry their own times, as Vosk gives them."""
    return Transcript(
        utterance_id=f"{speaker}-{words[0][1]}",
        speaker=speaker,
        text="".join(w[0] for w in words),
        is_final=True,
        start_s=words[0][1],
        end_s=words[-1][2],
        emitted_ns=0,
        words=tuple(Word(text, start, end) for text, start, end in words),
    )


def _final_no_words(speaker: Speaker, text: str, start_s: float, end_s: float) -> Transcript:
    return Transcript(f"{speaker}-{start_s}", speaker, text, True, start_s, end_s, 0)


def _partial(speaker: Speaker, text: str, start_s: float, end_s: float) -> Transcript:
    words = (Word(text, start_s, end_s),) if text else ()
    return Transcript(f"{speaker}-p", speaker, text, False, start_s, end_s, 0, words)


def _of_kind(signals: list[TimingSignal], kind: TimingKind) -> list[TimingSignal]:
    return [s for s in signals if s.kind is kind]


def _feed(tracker: CallTimingTracker, *finals: Transcript) -> list[TimingSignal]:
    return [signal for t in finals for signal in tracker.on_transcript(t)]


# The customer speaks 0-4 s; the agent cuts in at 3 s and speaks until 5 s.
CUSTOMER_TURN = _final(CUSTOMER, ("我的", 0.0, 1.0), ("账户", 1.0, 2.5), ("被锁了", 2.5, 4.0))
AGENT_CUTS_IN = _final(AGENT, ("好的", 3.0, 4.2), ("请稍等", 4.2, 5.0))


@pytest.mark.parametrize(
    "arrival", [(CUSTOMER_TURN, AGENT_CUTS_IN), (AGENT_CUTS_IN, CUSTOMER_TURN)]
)
def test_overlap_names_the_interrupter_whichever_final_arrives_first(
    arrival: tuple[Transcript, Transcript],
) -> None:
    overlaps = _of_kind(_feed(CallTimingTracker(), *arrival), TimingKind.OVERLAP)
    assert len(overlaps) == 1
    assert overlaps[0].speaker is AGENT
    assert overlaps[0].value == pytest.approx(1.0)
    assert overlaps[0].at_s == pytest.approx(3.0)
    assert overlaps[0].detail == DETAIL_OVERLAP


def test_a_short_backchannel_is_not_an_overlap() -> None:
    backchannel = _final(AGENT, ("嗯", 2.0, 2.3))
    assert not _of_kind(_feed(CallTimingTracker(), CUSTOMER_TURN, backchannel), TimingKind.OVERLAP)


def test_speaking_in_the_other_sides_pause_is_not_an_overlap() -> None:
    customer = _final(CUSTOMER, ("我想问", 0.0, 2.0), ("还有", 5.0, 6.0))
    agent = _final(AGENT, ("您请说", 2.2, 4.8))
    assert not _of_kind(_feed(CallTimingTracker(), agent, customer), TimingKind.OVERLAP)


def test_taking_turns_is_not_an_overlap() -> None:
    agent = _final(AGENT, ("您好", 4.5, 6.0))
    assert not _of_kind(_feed(CallTimingTracker(), CUSTOMER_TURN, agent), TimingKind.OVERLAP)


def test_finals_without_words_use_the_utterance_span() -> None:
    customer = _final_no_words(CUSTOMER, "我的账户被锁了", 0.0, 4.0)
    agent = _final_no_words(AGENT, "好的请稍等", 3.0, 5.0)
    [overlap] = _of_kind(_feed(CallTimingTracker(), agent, customer), TimingKind.OVERLAP)
    assert (overlap.speaker, overlap.value) == (AGENT, pytest.approx(1.0))


def test_starting_together_counts_as_the_agent_talking_over() -> None:
    customer = _final(CUSTOMER, ("喂你好", 1.0, 3.0))
    agent = _final(AGENT, ("您好", 1.0, 2.0))
    [overlap] = _of_kind(_feed(CallTimingTracker(), customer, agent), TimingKind.OVERLAP)
    assert overlap.speaker is AGENT


def test_long_silence_is_reported_once_while_it_happens() -> None:
    tracker = CallTimingTracker(silence_threshold_s=8.0)
    tracker.on_transcript(CUSTOMER_TURN)
    reports = [
        s for now in (6.0, 11.9, 12.1, 13.0, 20.0) for s in tracker.on_audio_time(CUSTOMER, now)
    ]
    assert len(reports) == 1
    assert reports[0].kind is TimingKind.LONG_SILENCE
    assert (reports[0].at_s, reports[0].value) == (12.1, pytest.approx(8.1))


def test_each_silence_stretch_is_reported() -> None:
    tracker = CallTimingTracker(silence_threshold_s=8.0)
    tracker.on_transcript(CUSTOMER_TURN)
    first = tracker.on_audio_time(CUSTOMER, 13.0)
    tracker.on_transcript(_final(CUSTOMER, ("还在吗", 14.0, 15.0)))
    second = tracker.on_audio_time(CUSTOMER, 24.0)
    assert len(first) == 1
    assert len(second) == 1


def test_a_side_that_never_spoke_is_not_reported_silent() -> None:
    tracker = CallTimingTracker()
    tracker.on_transcript(CUSTOMER_TURN)
    assert tracker.on_audio_time(AGENT, 60.0) == []


def test_a_long_utterance_still_in_partials_is_not_silence() -> None:
    tracker = CallTimingTracker(silence_threshold_s=8.0)
    tracker.on_transcript(CUSTOMER_TURN)
    tracker.on_transcript(_partial(CUSTOMER, "我跟你说这个事情", 4.5, 11.0))
    assert tracker.on_audio_time(CUSTOMER, 13.0) == []


def test_silence_between_finals_is_reported_when_audio_time_never_was() -> None:
    tracker = CallTimingTracker(silence_threshold_s=8.0)
    signals = _feed(tracker, CUSTOMER_TURN, _final(CUSTOMER, ("喂", 14.0, 14.5)))
    [silence] = _of_kind(signals, TimingKind.LONG_SILENCE)
    assert (silence.at_s, silence.value) == (14.0, pytest.approx(10.0))


def test_a_silence_reported_live_is_not_reported_again_by_the_next_final() -> None:
    tracker = CallTimingTracker(silence_threshold_s=8.0)
    tracker.on_transcript(CUSTOMER_TURN)
    live = tracker.on_audio_time(CUSTOMER, 12.5)
    later = tracker.on_transcript(_final(CUSTOMER, ("喂", 14.0, 14.5)))
    assert len(live) == 1
    assert _of_kind(later, TimingKind.LONG_SILENCE) == []


def test_silence_while_the_other_side_talks_is_one_sided() -> None:
    tracker = CallTimingTracker(silence_threshold_s=8.0)
    _feed(tracker, CUSTOMER_TURN, _final(AGENT, ("我来帮您查一下", 5.0, 11.0)))
    [silence] = tracker.on_audio_time(CUSTOMER, 12.5)
    assert silence.detail == DETAIL_SIDE_SILENT[CUSTOMER]


def test_silence_on_both_sides_is_dead_air() -> None:
    tracker = CallTimingTracker(silence_threshold_s=8.0)
    _feed(tracker, CUSTOMER_TURN, _final(AGENT, ("好的", 4.5, 5.0)))
    [silence] = tracker.on_audio_time(AGENT, 13.5)
    assert silence.detail == DETAIL_DEAD_AIR


def test_speaking_rate_counts_chinese_characters_over_speech_time_only() -> None:
    tracker = CallTimingTracker(rate_window_s=30.0)
    tracker.on_transcript(_final(CUSTOMER, ("我的账户", 0.0, 1.0), ("被锁了", 1.0, 2.0)))
    signals = tracker.on_transcript(_final(CUSTOMER, ("怎么办", 10.0, 11.0)))  # 8 s pause
    [rate] = _of_kind(signals, TimingKind.SPEAKING_RATE)
    assert rate.value == pytest.approx(10 * 60 / 3.0)  # 10 characters in 3 s of speech
    assert (rate.speaker, rate.detail, rate.at_s) == (CUSTOMER, DETAIL_CHARS_PER_MIN, 11.0)


def test_speaking_rate_counts_latin_text_in_words() -> None:
    final = _final_no_words(AGENT, "how can I help you today", 0.0, 2.0)
    [rate] = _of_kind(CallTimingTracker().on_transcript(final), TimingKind.SPEAKING_RATE)
    assert (rate.value, rate.detail) == (pytest.approx(180.0), DETAIL_WORDS_PER_MIN)


def test_speaking_rate_forgets_speech_older_than_the_window() -> None:
    tracker = CallTimingTracker(rate_window_s=30.0)
    tracker.on_transcript(_final_no_words(AGENT, "一二三四五六七八九十", 0.0, 1.0))
    signals = tracker.on_transcript(_final_no_words(AGENT, "好的好的", 40.0, 42.0))
    [rate] = _of_kind(signals, TimingKind.SPEAKING_RATE)
    assert rate.value == pytest.approx(4 * 60 / 2.0)


def test_no_rate_from_too_little_speech() -> None:
    signals = CallTimingTracker().on_transcript(_final(AGENT, ("好", 1.0, 1.3)))
    assert _of_kind(signals, TimingKind.SPEAKING_RATE) == []


def test_partials_and_empty_finals_produce_no_signals() -> None:
    tracker = CallTimingTracker()
    tracker.on_transcript(CUSTOMER_TURN)
    assert tracker.on_transcript(_partial(AGENT, "好的请", 3.0, 4.2)) == []
    assert tracker.on_transcript(_final_no_words(AGENT, "", 3.0, 5.0)) == []
