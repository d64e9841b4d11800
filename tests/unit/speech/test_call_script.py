from pathlib import Path

import pytest

from agent_assist.domain import Speaker
from agent_assist.errors import CallScriptError
from agent_assist.speech.call_script import load_call_script
from tests.conftest import DEMO_CALL


def test_demo_call_is_a_realistic_two_sided_call() -> None:
    script = load_call_script(DEMO_CALL)
    speakers = {u.speaker for u in script.utterances}
    questions = [u for u in script.utterances if u.topic]
    assert speakers == {Speaker.AGENT, Speaker.CUSTOMER}
    assert len(questions) >= 8
    assert len({u.topic for u in questions}) >= 7
    assert all(u.speaker is Speaker.CUSTOMER for u in questions)


def test_invalid_script_names_file_and_field(tmp_path: Path) -> None:
    file = tmp_path / "call.yaml"
    file.write_text(
        "id: x\ntitle: t\nutterances:\n  - {start: 2.0, end: 1.0, speaker: customer, text: 你好}\n",
        encoding="utf-8",
    )
    with pytest.raises(CallScriptError, match=r"call\.yaml.*utterances\.0.*end"):
        load_call_script(file)


def test_unknown_speaker_is_rejected(tmp_path: Path) -> None:
    file = tmp_path / "call.yaml"
    file.write_text(
        "id: x\ntitle: t\nutterances:\n  - {start: 0, end: 1, speaker: robot, text: hi}\n",
        encoding="utf-8",
    )
    with pytest.raises(CallScriptError, match="speaker"):
        load_call_script(file)
