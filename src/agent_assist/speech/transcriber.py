"""Turn per-speaker audio blocks into partial and final transcripts with timing."""

from __future__ import annotations

import time
from collections.abc import Mapping

from agent_assist.domain import Speaker, Transcript
from agent_assist.speech.audio import AudioBlock
from agent_assist.speech.recognizer import Recognizer
from agent_assist.speech.vosk_json import VoskResult


class _Channel:
    def __init__(self, speaker: Speaker, recognizer: Recognizer) -> None:
        self.speaker = speaker
        self.recognizer = recognizer
        self.count = 0
        self.utterance_start_s: float | None = None

    @property
    def utterance_id(self) -> str:
        return f"{self.speaker.value}-{self.count}"


class CallTranscriber:
    """One recognizer per speaker; utterance ids stay stable from first partial to final."""

    def __init__(self, recognizers: Mapping[Speaker, Recognizer]) -> None:
        self._channels = {s: _Channel(s, r) for s, r in recognizers.items()}

    def feed(self, block: AudioBlock) -> Transcript | None:
        """Recognise one block; return the partial or final result it produced, if any."""
        channel = self._channels[block.speaker]
        started = time.perf_counter()
        result = channel.recognizer.accept(block.pcm)
        asr_ms = (time.perf_counter() - started) * 1000
        if result is None:
            return None
        if channel.utterance_start_s is None:
            channel.utterance_start_s = block.start_s
        return self._emit(channel, result, block.end_s, asr_ms)

    def finish(self) -> list[Transcript]:
        """Flush every channel at the end of the audio."""
        out = []
        for channel in self._channels.values():
            started = time.perf_counter()
            result = channel.recognizer.finish()
            if result is not None:
                asr_ms = (time.perf_counter() - started) * 1000
                end_s = result.words[-1].end_s if result.words else 0.0
                out.append(self._emit(channel, result, end_s, asr_ms))
        return out

    def _emit(
        self, channel: _Channel, result: VoskResult, block_end_s: float, asr_ms: float
    ) -> Transcript:
        start_s = result.words[0].start_s if result.words else channel.utterance_start_s or 0.0
        end_s = result.words[-1].end_s if result.words else block_end_s
        transcript = Transcript(
            utterance_id=channel.utterance_id,
            speaker=channel.speaker,
            text=result.text,
            is_final=result.is_final,
            start_s=start_s,
            end_s=end_s,
            emitted_ns=time.monotonic_ns(),
            words=result.words,
            asr_ms=asr_ms,
        )
        if result.is_final:
            channel.count += 1
            channel.utterance_start_s = None
        return transcript
