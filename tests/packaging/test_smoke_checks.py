"""The checks the packaging smoke test applies, on canned command output."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.conftest import DEMO_CALL
from tests.packaging.conftest import load_packaging_module

checks = load_packaging_module("smoke_checks")


def _row(utterance: str, topics: list[str]) -> str:
    cards = [{"topic": t} for t in topics]
    return json.dumps({"utterance_id": utterance, "suggestions": cards})


def test_the_demo_call_is_read_without_yaml_with_ids_numbered_per_speaker() -> None:
    demo = checks.read_demo_call(DEMO_CALL)
    assert demo.utterances == 37
    assert demo.expected_topics["customer-0"] == "repayment_failed"
    assert demo.expected_topics["customer-2"] == "identity_verification"
    assert len(demo.expected_topics) >= 10


def test_a_replay_passes_with_the_right_topics_and_the_call_end() -> None:
    demo = checks.DemoCall(3, {"customer-0": "a", "customer-1": "b"})
    rows = [_row("agent-0", []), _row("customer-0", ["x", "a"]), _row("customer-1", ["b"])]
    out = "\n".join([*rows, json.dumps({"call_ended": {"call_id": "1"}})])
    assert checks.check_replay(out, demo, min_rate=1.0) == "3 utterances, 2/2 questions answered"


@pytest.mark.parametrize(
    ("rows", "ended", "message"),
    [
        ([_row("customer-0", ["a"]), _row("customer-1", ["x"])], True, "only 1 of 2"),
        ([_row("customer-0", ["a"])], True, "printed 1 utterances"),
        ([_row("customer-0", ["a"]), _row("customer-1", ["b"])], False, "no call_ended"),
    ],
)
def test_a_replay_fails_with_a_reason(rows: list[str], ended: bool, message: str) -> None:
    demo = checks.DemoCall(2, {"customer-0": "a", "customer-1": "b"})
    out = "\n".join(rows + ([json.dumps({"call_ended": {}})] if ended else []))
    with pytest.raises(checks.SmokeError, match=message):
        checks.check_replay(out, demo, min_rate=1.0)


def test_doctor_may_miss_the_speech_model_but_not_the_pack() -> None:
    passing = [{"name": n, "ok": True, "detail": ""} for n in checks.DOCTOR_MUST_PASS]
    missing_asr = [*passing, {"name": "Speech model", "ok": False, "detail": "not installed"}]
    assert "required checks ok" in checks.check_doctor(json.dumps(missing_asr))
    broken = [c if c["name"] != "Script pack" else {**c, "ok": False} for c in passing]
    with pytest.raises(checks.SmokeError, match="Script pack"):
        checks.check_doctor(json.dumps(broken))


def test_the_panel_record_counts_only_an_ended_call_with_a_right_card() -> None:
    demo = checks.DemoCall(1, {"customer-0": "a"})
    call = {"call": {"status": "ended"}, "utterances": [{}], "cards": []}
    running = {**call, "call": {"status": "active"}}
    assert checks.check_panel_record(json.dumps([running]), demo) is None
    answered = {**call, "cards": [{"utterance_id": "customer-0", "topic": "a"}]}
    assert "1/1 questions" in checks.check_panel_record(json.dumps([answered]), demo)
    with pytest.raises(checks.SmokeError, match="no question"):
        checks.check_panel_record(json.dumps([call]), demo)
    cut_short = {**answered, "utterances": []}
    with pytest.raises(checks.SmokeError, match="recorded 0 utterances"):
        checks.check_panel_record(json.dumps([cut_short]), demo)


def _wheel(tmp_path: Path, extra: list[str]) -> Path:
    wheel = tmp_path / "agent_assist-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name in [*checks.WHEEL_MUST_HOLD, "agent_assist/cli.py", *extra]:
            archive.writestr(name, "")
    return wheel


def test_a_wheel_with_the_package_data_passes(tmp_path: Path) -> None:
    assert "package data present" in checks.check_wheel(_wheel(tmp_path, []))


@pytest.mark.parametrize(
    "stray", ["tests/test_cli.py", "kb_index/build/x/index.faiss", "agent_assist/__pycache__/a.pyc"]
)
def test_a_wheel_with_checkout_files_fails(tmp_path: Path, stray: str) -> None:
    with pytest.raises(checks.SmokeError, match="must not hold"):
        checks.check_wheel(_wheel(tmp_path, [stray]))
