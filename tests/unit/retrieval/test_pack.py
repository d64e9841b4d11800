import shutil
from pathlib import Path

import pytest

from agent_assist.errors import PackValidationError
from agent_assist.retrieval.pack import TOPICS, load_pack
from tests.conftest import SAMPLE_PACK


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SAMPLE_PACK, tmp_path / "pack"))


def test_sample_pack_covers_every_topic() -> None:
    pack = load_pack(SAMPLE_PACK)
    assert len(pack.entries) >= 40
    assert len(pack.scripts) >= 15
    assert {e.topic for e in pack.entries} == set(TOPICS)
    assert {s.topic for s in pack.scripts} == set(TOPICS)
    assert sum(e.language == "zh" for e in pack.entries) > len(pack.entries) / 2


def _replace(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_problem_is_reported_with_file_line_and_field(pack_copy: Path) -> None:
    _replace(pack_copy / "knowledge.yaml", "topic: repayment_early", "topic: repayment_eraly")
    _replace(pack_copy / "scripts.yaml", "stage: ", "stage: lunch_break  # ")
    with pytest.raises(PackValidationError) as caught:
        load_pack(pack_copy)
    problems = caught.value.problems
    assert len(problems) == 2
    knowledge, scripts = sorted(problems)
    assert "knowledge.yaml:" in knowledge and ".topic:" in knowledge
    assert "repayment_eraly" in knowledge
    assert "scripts.yaml:" in scripts and ".stage:" in scripts
    line = int(knowledge.split("knowledge.yaml:")[1].split(":")[0])
    text_line = (pack_copy / "knowledge.yaml").read_text(encoding="utf-8").splitlines()[line - 1]
    assert "repayment_eraly" in text_line


def test_duplicate_ids_across_files(pack_copy: Path) -> None:
    first_script_id = load_pack(SAMPLE_PACK).scripts[0].id
    first_entry_id = load_pack(SAMPLE_PACK).entries[0].id
    _replace(pack_copy / "scripts.yaml", f"id: {first_script_id}", f"id: {first_entry_id}")
    with pytest.raises(PackValidationError, match=f"duplicate id '{first_entry_id}'"):
        load_pack(pack_copy)


def test_missing_field_and_broken_yaml(pack_copy: Path) -> None:
    (pack_copy / "manifest.yaml").write_text("id: x\nversion: [\n", encoding="utf-8")
    _replace(pack_copy / "knowledge.yaml", "    answer:", "    answr:")
    with pytest.raises(PackValidationError) as caught:
        load_pack(pack_copy)
    text = str(caught.value)
    assert "manifest.yaml:" in text and "not valid YAML" in text
    assert "answer: Field required" in text
    assert "answr: Extra inputs are not permitted" in text


def test_missing_pack_folder(tmp_path: Path) -> None:
    with pytest.raises(PackValidationError, match=r"manifest\.yaml: file is missing"):
        load_pack(tmp_path)


def test_guidance_examples_grow_the_rules_and_name_bad_entries(pack_copy: Path) -> None:
    pack = load_pack(SAMPLE_PACK)
    rule = next(r for r in pack.guidance.rules if r.id == "guarantee-outcome")
    assert len(rule.examples) >= 30 and len(rule.counter_examples) >= 20
    assert len(pack.guidance.emotion.calm_examples) >= 50

    examples = pack_copy / "guidance_examples.yaml"
    _replace(examples, "  guarantee-outcome:", "  guarantee-outcomes:")
    _replace(examples, "    counter_examples:", "    counter_exmaples:")
    with pytest.raises(PackValidationError) as caught:
        load_pack(pack_copy)
    problems = caught.value.problems
    assert any(
        "guidance_examples.yaml:" in p and "counter_exmaples: Extra inputs" in p for p in problems
    ), problems
    line = int(problems[0].split("guidance_examples.yaml:")[1].split(":")[0])
    assert "counter_exmaples" in examples.read_text(encoding="utf-8").splitlines()[line - 1]


def test_guidance_examples_for_an_unknown_rule(pack_copy: Path) -> None:
    _replace(pack_copy / "guidance_examples.yaml", "  guarantee-outcome:", "  no-such-rule:")
    with pytest.raises(
        PackValidationError, match=r"guidance_examples.yaml: rules \['no-such-rule'\]"
    ):
        load_pack(pack_copy)
