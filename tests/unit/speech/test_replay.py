import threading
import time

from agent_assist.domain import Speaker
from agent_assist.speech.call_script import CallScript, ScriptedUtterance
from agent_assist.speech.replay import ScriptReplay


def _script() -> CallScript:
    return CallScript(
        id="t",
        title="t",
        utterances=(
            ScriptedUtterance(start=0.0, end=1.0, speaker=Speaker.AGENT, text="您好请讲"),
            ScriptedUtterance(start=1.2, end=3.0, speaker=Speaker.CUSTOMER, text="我想提前还款"),
        ),
    )


def test_script_replay_grows_partials_then_one_final_per_utterance() -> None:
    events = list(ScriptReplay(_script(), realtime=False).events(threading.Event()))
    customer = [e for e in events if e.speaker is Speaker.CUSTOMER]
    assert {e.utterance_id for e in customer} == {"customer-0"}
    assert [e.is_final for e in customer][-1] is True
    assert sum(e.is_final for e in customer) == 1
    partial_lengths = [len(e.text) for e in customer if not e.is_final]
    assert partial_lengths == sorted(partial_lengths) and partial_lengths[0] < 6
    assert customer[-1].text == "我想提前还款"
    assert [e.end_s for e in events] == sorted(e.end_s for e in events)


def test_realtime_replay_paces_and_stops_promptly() -> None:
    stop = threading.Event()
    replay = ScriptReplay(_script(), realtime=True, speed=1.0)
    started = time.monotonic()
    seen = []
    for event in replay.events(stop):
        seen.append(event)
        if event.is_final:
            stop.set()
    elapsed = time.monotonic() - started
    assert seen[-1].utterance_id == "agent-0"
    assert 0.9 <= elapsed < 1.5
