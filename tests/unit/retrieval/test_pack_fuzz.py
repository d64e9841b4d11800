"""Property-based fuzzing of the pack parser: every input loads or fails with named problems.

Whatever is in a pack's files (or its zip), ``load_pack`` returns a ``ScriptPack`` or raises
``PackValidationError`` whose every problem starts with the pack's path: never another
exception, never a hang, never gigabytes. Runs are derandomized and keep no example
database, so CI sees the same examples every time; AGENT_ASSIST_FUZZ_EXAMPLES=5000 explores
further.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import shutil
import struct
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from agent_assist.errors import PackValidationError
from agent_assist.retrieval import pack as pack_module
from agent_assist.retrieval.pack import (
    KNOWLEDGE_FILE,
    MANIFEST_FILE,
    OPTIONAL_FILES,
    PACK_FILES,
    SCRIPTS_FILE,
    TOPICS,
    KnowledgeEntry,
    PackManifest,
    Script,
    ScriptPack,
    load_pack,
)
from tests.conftest import SAMPLE_PACK

ALL_FILES = (*PACK_FILES, *OPTIONAL_FILES)
SAMPLE_FILES = {name: (SAMPLE_PACK / name).read_bytes() for name in ALL_FILES}
# One slow example (a loaded CI machine) must not fail the run; a hang is caught by timeout.
FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=dt.timedelta(seconds=5),
    max_examples=int(os.environ.get("AGENT_ASSIST_FUZZ_EXAMPLES", "100")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
HANG_TIMEOUT_S = 60

MINIMAL_PACK: dict[str, Any] = {
    MANIFEST_FILE: {
        "id": "fuzz",
        "version": "1",
        "title": "Fuzz",
        "owner": "tests",
        "languages": ["zh"],
    },
    KNOWLEDGE_FILE: {
        "entries": [
            {
                "id": "kb-1",
                "topic": "refund",
                "title": "退款",
                "questions": ["怎么退款"],
                "answer": "在App里申请。",
            }
        ]
    },
    SCRIPTS_FILE: {
        "scripts": [
            {
                "id": "sc-1",
                "topic": "refund",
                "stage": "closing",
                "title": "结束",
                "text": "感谢来电。",
            }
        ]
    },
}


def dump(data: Any) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


MINIMAL_FILES = {name: dump(data) for name, data in MINIMAL_PACK.items()}


@contextlib.contextmanager
def pack_folder(files: dict[str, bytes]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="pack-fuzz-") as tmp:
        folder = Path(tmp) / "pack"
        folder.mkdir()
        for name, content in files.items():
            (folder / name).write_bytes(content)
        yield folder


@contextlib.contextmanager
def pack_zip(archive: bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="pack-fuzz-") as tmp:
        path = Path(tmp) / "pack.zip"
        path.write_bytes(archive)
        yield path


def zipped(files: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def load_or_problems(path: Path) -> ScriptPack | list[str]:
    """The pack, or its problems after checking that each names a file of the pack."""
    started = time.monotonic()
    try:
        return load_pack(path)
    except PackValidationError as exc:
        problems = exc.problems
    assert time.monotonic() - started < HANG_TIMEOUT_S / 4
    assert problems, "an error without problems"
    in_folder = tuple(f"{os.sep}{name}:" for name in ALL_FILES)
    for problem in problems:
        assert problem.startswith(str(path)), problem
        where = problem.removeprefix(str(path))
        # A file of the folder, a member of the zip, or the pack itself (an unreadable zip).
        assert where.startswith((*in_folder, "!", ": ")), problem
    return problems


def load_files(files: dict[str, bytes]) -> ScriptPack | list[str]:
    with pack_folder(files) as folder:
        return load_or_problems(folder)


def problems_of(files: dict[str, bytes]) -> list[str]:
    result = load_files(files)
    assert isinstance(result, list), "expected the pack to be refused"
    return result


# --- strategies ------------------------------------------------------------------------------

FIELD_NAMES = sorted(
    {*KnowledgeEntry.model_fields, *Script.model_fields, *PackManifest.model_fields}
    | {"entries", "scripts", "rules", "steps", "call_types", "emotion", "url", "<<"}
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**30, max_value=10**60)
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["", " ", "~", "refund", "zh", "2024-02-30", "https://x", "\ufeff"])
    | st.dates()
    | st.datetimes()
    | st.binary(max_size=10)
)
keys = st.sampled_from(FIELD_NAMES) | st.text(max_size=8) | st.integers() | st.booleans()
yaml_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=25,
)


@st.composite
def with_a_wrong_field(draw: st.DrawFn, name: str) -> bytes:
    """A minimal pack file with one field (at any depth) replaced by an arbitrary value."""
    data = yaml.safe_load(MINIMAL_FILES[name])
    target = data
    while isinstance(target, dict | list) and draw(st.booleans()):
        keys_here = list(target) if isinstance(target, dict) else list(range(len(target)))
        if not keys_here:
            break
        child_key = draw(st.sampled_from(keys_here))
        if not isinstance(target[child_key], dict | list):
            break
        target = target[child_key]
    if isinstance(target, dict):
        target[draw(st.sampled_from([*target, *FIELD_NAMES]))] = draw(yaml_values)
    elif isinstance(target, list):
        target.append(draw(yaml_values))
    return dump(data)


NASTY_SNIPPETS = [
    b"&a ",
    b"*a ",
    b"*undefined ",
    b"!!python/object/apply:os.system ['true'] ",
    b"!!binary ",
    b"!!timestamp ",
    b"!!int ",
    b"!!float ",
    b"!!bool ",
    b"!!set ",
    b"!!omap ",
    b"<<: ",
    b"? ",
    b"[" * 200,
    b"{a: " * 50,
    b"- " * 100,
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\x00",
    b"\t",
    b"\r",
    b"\xc3",
    b"\xed\xa0\x80",  # an encoded UTF-16 surrogate: not UTF-8
    b"---\n",
    b"...\n",
    b"%YAML 1.1\n",
    b"%TAG ! tag:example.com,2000:\n",
    b": ",
    b"'",
    b'"',
    b"|\n",
    b"2024-13-45",
    b"9" * 5000,
    b"x" * 100_000,
]


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """``original`` truncated, with bytes flipped, cut out, or a nasty snippet inserted."""
    at = draw(st.integers(0, len(original)))
    kind = draw(st.sampled_from(["truncate", "flip", "cut", "insert", "repeat"]))
    if kind == "truncate":
        return original[:at]
    if kind == "flip" and at < len(original):
        flipped = original[at] ^ draw(st.integers(1, 255))
        return original[:at] + bytes([flipped]) + original[at + 1 :]
    if kind == "cut":
        return original[:at] + original[at + draw(st.integers(1, 200)) :]
    if kind == "repeat":
        return original[:at] + original[at : at + 50] * draw(st.integers(2, 200)) + original[at:]
    return original[:at] + draw(st.sampled_from(NASTY_SNIPPETS)) + original[at:]


file_names = st.sampled_from(ALL_FILES)


# --- (a) anything in one file --------------------------------------------------------------


@pytest.mark.timeout(HANG_TIMEOUT_S)
@FUZZ
@given(name=file_names, content=st.binary(max_size=400))
def test_arbitrary_bytes_in_a_pack_file(name: str, content: bytes) -> None:
    load_files({**MINIMAL_FILES, name: content})


@pytest.mark.timeout(HANG_TIMEOUT_S)
@FUZZ
@given(name=file_names, content=st.text(max_size=400))
def test_arbitrary_text_in_a_pack_file(name: str, content: str) -> None:
    load_files({**MINIMAL_FILES, name: content.encode("utf-8", "surrogatepass")})


@pytest.mark.timeout(HANG_TIMEOUT_S)
@FUZZ
@given(name=file_names, data=yaml_values)
def test_arbitrary_yaml_structure_in_a_pack_file(name: str, data: Any) -> None:
    load_files({**MINIMAL_FILES, name: dump(data)})


@pytest.mark.timeout(HANG_TIMEOUT_S)
@FUZZ
@given(data=st.data(), name=st.sampled_from(PACK_FILES))
def test_a_field_of_any_type_is_a_named_problem(data: st.DataObject, name: str) -> None:
    load_files({**MINIMAL_FILES, name: data.draw(with_a_wrong_field(name))})


@pytest.mark.timeout(HANG_TIMEOUT_S)
@settings(FUZZ, max_examples=FUZZ.max_examples * 2 // 3)
@given(data=st.data(), name=file_names)
def test_mutations_of_the_sample_pack(data: st.DataObject, name: str) -> None:
    load_files({**SAMPLE_FILES, name: data.draw(mutated(SAMPLE_FILES[name]))})


def _alias_bomb(levels: int) -> bytes:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join([*lines, f"entries: *l{levels - 1}", ""]).encode()


def _validation_bomb(fanout: int) -> bytes:
    """Each of ``fanout`` entries with ``fanout`` bad questions: fanout² problems."""
    return (
        f"bad: &bad [1]\nq: &q [{', '.join(['*bad'] * fanout)}]\n"
        "e: &e {id: a, topic: refund, title: t, answer: a, questions: *q}\n"
        f"entries: [{', '.join(['*e'] * fanout)}]\n"
    ).encode()


def _merge_bomb(levels: int) -> bytes:
    """Merge keys copy key/value pairs at construction: 10**levels pairs from 600 bytes."""
    lines = ["m0: &m0 {" + ", ".join(f"k{j}: v" for j in range(10)) + "}"]
    lines += [f"m{i}: &m{i} {{<<: [{', '.join([f'*m{i - 1}'] * 10)}]}}" for i in range(1, levels)]
    return "\n".join([*lines, "entries: []", ""]).encode()


@pytest.mark.timeout(HANG_TIMEOUT_S)
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (_alias_bomb(9), "aliases repeat over"),
        # Before the fix: 8 KB took 6 s and 400 MB, 24 KB over a minute and 3 GB.
        (_validation_bomb(3000), "aliases repeat over"),
        (_merge_bomb(9), "aliases repeat over"),
        (b"entries: &a [*a]\n", "alias refers to a node that contains it"),
        (b"a: &a {<<: *a}\nentries: []\n", "alias refers to a node that contains it"),
    ],
    ids=["billion-laughs", "validation-product", "merge-keys", "recursive", "recursive-merge"],
)
def test_alias_bombs_are_refused_quickly_and_small(content: bytes, message: str) -> None:
    tracemalloc.start()
    try:
        problems = problems_of({**MINIMAL_FILES, KNOWLEDGE_FILE: content})
        _, peak_bytes = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert any(message in p for p in problems), problems
    assert peak_bytes < 20 * 2**20


def test_aliases_within_the_budget_still_work() -> None:
    knowledge = (
        MINIMAL_FILES[KNOWLEDGE_FILE]
        .decode()
        .replace("  questions:\n  - 怎么退款", "  questions: &q\n  - 怎么退款")
    )
    knowledge += "- {id: kb-2, topic: refund, title: 二, answer: 同上, questions: *q}\n"
    pack = load_files({**MINIMAL_FILES, KNOWLEDGE_FILE: knowledge.encode()})
    assert isinstance(pack, ScriptPack)
    assert pack.entries[1].questions == ("怎么退款",)


@pytest.mark.timeout(HANG_TIMEOUT_S)
@pytest.mark.parametrize(
    "content",
    [
        b"[" * 100_000 + b"]" * 100_000,  # crashed the process (C stack overflow in libyaml)
        b"[" * 1_000_000,  # and this one ran for minutes first
        b"- " * 100_000 + b"x\n",
        b"{a: " * 100_000 + b"1" + b"}" * 100_000,
        b"entries:\n" + b"".join(b"  " * i + b"- \n" for i in range(1, 200)),
    ],
    ids=["flow-sequences", "unclosed", "block-sequences", "flow-mappings", "indented"],
)
def test_deep_nesting_is_refused_with_its_line(content: bytes) -> None:
    problems = problems_of({**MINIMAL_FILES, KNOWLEDGE_FILE: content})
    assert any("nested over" in p for p in problems), problems


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2024-02-30", "'2024-02-30' is not a valid timestamp: day is out of range"),
        ("2024-13-01", "month must be in 1..12"),
        ("2024-01-01T23:59:60Z", "second must be in 0..59"),
        ("2001-12-14t21:59:43.10+99:99", "is not a valid timestamp"),
        ("!!timestamp abc", "'abc' is not a valid timestamp"),
        ("!!int abc", "'abc' is not a valid int"),
        ("!!float abc", "'abc' is not a valid float"),
        ("!!bool abc", "'abc' is not a valid bool"),
        ("9" * 5000, "is not a valid int: Exceeds the limit"),
    ],
)
def test_scalars_pyyaml_cannot_convert_are_problems_with_their_line(
    value: str, message: str
) -> None:
    knowledge = MINIMAL_FILES[KNOWLEDGE_FILE] + f"  valid_from: {value}\n".encode()
    last_line = knowledge.count(b"\n")
    problems = problems_of({**MINIMAL_FILES, KNOWLEDGE_FILE: knowledge})
    assert len(problems) == 1 and message in problems[0], problems
    assert f"{KNOWLEDGE_FILE}:{last_line}: " in problems[0]


@pytest.mark.parametrize(
    "content",
    [
        b"!!python/object/apply:os.system ['touch /tmp/pwned']\n",
        b"entries: !!python/name:os.system\n",
        b"\xef\xbb\xbfentries: [\n",
        b"\xff\xfe" + "entries: []".encode("utf-16-le"),
        b"entries: []\n---\nentries: []\n",
        b"entries: [\x00]\n",
        b"entries: *nothing\n",
        b"? [a, b]\n: c\n",
        b"entries: !!binary '!!'\n",
        b"entries:\n- " + b"x" * 5_000_000 + b"\n",
        b"",
        b"# only a comment\n",
        b"~\n",
    ],
)
def test_hostile_knowledge_files(content: bytes) -> None:
    problems_of({**MINIMAL_FILES, KNOWLEDGE_FILE: content})


def test_a_byte_order_mark_is_not_part_of_the_first_key() -> None:
    files = {name: b"\xef\xbb\xbf" + content for name, content in MINIMAL_FILES.items()}
    assert isinstance(load_files(files), ScriptPack)


# --- zips ------------------------------------------------------------------------------------

SAMPLE_ZIP = zipped({f"sample/{name}": content for name, content in SAMPLE_FILES.items()})
MINIMAL_ZIP = zipped(MINIMAL_FILES)


@pytest.mark.timeout(HANG_TIMEOUT_S)
@FUZZ
@given(archive=st.binary(max_size=600))
@example(archive=b"PK\x05\x06" + b"\x00" * 18)  # an empty zip
@example(archive=MINIMAL_ZIP[:-1])
def test_arbitrary_bytes_as_a_zip(archive: bytes) -> None:
    with pack_zip(archive) as path:
        load_or_problems(path)


@pytest.mark.timeout(HANG_TIMEOUT_S)
@FUZZ
@given(data=st.data(), original=st.sampled_from([MINIMAL_ZIP, SAMPLE_ZIP]))
def test_corrupt_zips(data: st.DataObject, original: bytes) -> None:
    with pack_zip(data.draw(mutated(original))) as path:
        load_or_problems(path)


member_names = st.sampled_from(
    [
        "../{}",
        "../../{}",
        "/{}",
        "//{}",
        "C:/{}",
        "C:\\{}",
        "..\\{}",
        "a/b/{}",
        "pack/{}",
        "pack/{}/",
        "{}/",
        "./{}",
        "包/{}",
        "pack\x00/{}",
        "{}\x00.txt",
    ]
) | st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12).map(
    lambda prefix: prefix + "{}"  # zipfile cuts a name at NUL, and fails on an empty one
)


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.timeout(HANG_TIMEOUT_S)
@FUZZ
@given(
    names=st.lists(st.tuples(member_names, file_names), min_size=1, max_size=8),
    method=st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_LZMA]),
)
def test_zip_member_names_never_escape_or_crash(names: list[tuple[str, str]], method: int) -> None:
    files = {
        pattern.replace("{}", name): MINIMAL_FILES.get(name, b"{}\n") for pattern, name in names
    }
    with pack_zip(zipped(files, method)) as path:
        result = load_or_problems(path)
        assert sorted(p.name for p in path.parent.iterdir()) == ["pack.zip"]  # nothing extracted
    if isinstance(result, ScriptPack):
        assert result.manifest.id == "fuzz"


def _patched_member(archive: bytes, offset_in_header: int, fmt: str, value: int) -> bytes:
    """``archive`` with one field of its first member's local and central headers changed."""
    data = bytearray(archive)
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    struct.pack_into(fmt, data, local + offset_in_header, value)
    struct.pack_into(fmt, data, central + offset_in_header + 2, value)  # central has 2 more
    return bytes(data)


@pytest.mark.parametrize(
    ("archive", "message"),
    [
        (_patched_member(MINIMAL_ZIP, 8, "<H", 99), "cannot read"),  # unknown compression
        (_patched_member(MINIMAL_ZIP, 6, "<H", 1), "cannot read"),  # "encrypted"
        (_patched_member(MINIMAL_ZIP, 14, "<I", 0xDEADBEEF), "cannot read"),  # bad CRC
        (_patched_member(MINIMAL_ZIP, 22, "<I", 0xFFFFFFF0), "larger than"),  # huge size
        # Found by fuzzing: NotImplementedError and UnicodeDecodeError escaped ZipFile().
        (_patched_member(MINIMAL_ZIP, 4, "<H", 84), "not a readable zip: zip file version 8.4"),
        (zipped({"é.yaml": b""}).replace("é".encode(), b"\xff\xff"), "not a readable zip"),
    ],
    ids=["compression-method", "encrypted", "crc", "declared-size", "version", "utf8-name"],
)
def test_unreadable_zip_members_are_problems(archive: bytes, message: str) -> None:
    with pack_zip(archive) as path:
        problems = load_or_problems(path)
    assert isinstance(problems, list) and any(message in p for p in problems), problems


def test_a_zip_bomb_member_is_refused_before_it_is_inflated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pack_module, "MAX_PACK_FILE_BYTES", 2**20)
    bomb = zipped({**MINIMAL_FILES, KNOWLEDGE_FILE: b"\n" * (2**20 + 1)})
    assert len(bomb) < 4096
    with pack_zip(bomb) as path:
        problems = load_or_problems(path)
    assert isinstance(problems, list) and len(problems) == 1
    assert f"{KNOWLEDGE_FILE}: file is larger than 1 MiB" in problems[0]


def test_an_oversized_file_in_a_folder_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pack_module, "MAX_PACK_FILE_BYTES", 2**20)
    problems = problems_of({**MINIMAL_FILES, SCRIPTS_FILE: b"#" * (2**20 + 1)})
    assert problems == [problem for problem in problems if "larger than 1 MiB" in problem]


# --- (b) valid packs round-trip ------------------------------------------------------------

ids = st.from_regex(r"[a-z0-9][a-z0-9_.-]{0,15}", fullmatch=True)
# PyYAML's emitter writes NEL (U+0085) raw in a quoted scalar, and reads it as a line break.
yaml_safe_characters = st.characters(codec="utf-8", exclude_characters="\x85")
optional_texts = st.text(yaml_safe_characters, max_size=30).map(str.strip)
texts = st.text(yaml_safe_characters, min_size=1, max_size=30).map(str.strip).filter(bool)
urls = st.from_regex(r"(https?|file)://[^\s]{1,20}", fullmatch=True)


@st.composite
def entries(draw: st.DrawFn, entry_id: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": entry_id,
        "topic": draw(st.sampled_from(list(TOPICS))),
        "language": draw(st.sampled_from(["zh", "en"])),
        "title": draw(texts),
        "questions": draw(st.lists(texts, min_size=1, max_size=3)),
        "answer": draw(texts),
        "links": draw(st.lists(st.fixed_dictionaries({"title": texts, "url": urls}), max_size=2)),
    }
    days = sorted(draw(st.lists(st.dates(), min_size=2, max_size=2)))
    if draw(st.booleans()):
        entry["valid_from"], entry["valid_until"] = days
    return entry


@st.composite
def scripts(draw: st.DrawFn, script_id: str) -> dict[str, Any]:
    return {
        "id": script_id,
        "topic": draw(st.sampled_from(list(TOPICS))),
        "stage": draw(st.sampled_from(["opening", "empathy", "closing"])),
        "title": draw(texts),
        "when": draw(optional_texts),
        "text": draw(texts),
    }


@st.composite
def valid_packs(draw: st.DrawFn) -> dict[str, Any]:
    unique_ids = draw(st.lists(ids, min_size=2, max_size=8, unique=True))
    split = draw(st.integers(1, len(unique_ids) - 1))
    manifest = {
        "id": draw(ids),
        "version": draw(texts),
        "title": draw(texts),
        "owner": draw(texts),
        "languages": draw(st.lists(st.sampled_from(["zh", "en"]), min_size=1, max_size=2)),
        "description": draw(optional_texts),
        "terms": draw(st.lists(texts, max_size=3)),
    }
    return {
        MANIFEST_FILE: manifest,
        KNOWLEDGE_FILE: {"entries": [draw(entries(i)) for i in unique_ids[:split]]},
        SCRIPTS_FILE: {"scripts": [draw(scripts(i)) for i in unique_ids[split:]]},
    }


@pytest.mark.timeout(HANG_TIMEOUT_S)
@FUZZ
@given(pack=valid_packs(), as_zip=st.booleans())
def test_a_valid_generated_pack_round_trips(pack: dict[str, Any], as_zip: bool) -> None:
    files = {name: dump(data) for name, data in pack.items()}
    with pack_folder(files) as folder:
        path = folder
        if as_zip:
            path = folder.parent / "pack.zip"
            path.write_bytes(zipped({f"pack/{n}": c for n, c in files.items()}))
        loaded = load_or_problems(path)
    assert isinstance(loaded, ScriptPack), loaded
    assert loaded.manifest == PackManifest.model_validate(pack[MANIFEST_FILE])
    assert list(loaded.entries) == [
        KnowledgeEntry.model_validate(e) for e in pack[KNOWLEDGE_FILE]["entries"]
    ]
    assert list(loaded.scripts) == [Script.model_validate(s) for s in pack[SCRIPTS_FILE]["scripts"]]
    assert set(loaded.file_sha256) == set(PACK_FILES)


def test_the_real_sample_pack_loads_from_a_zip(tmp_path: Path) -> None:
    archive = Path(shutil.make_archive(str(tmp_path / "sample"), "zip", SAMPLE_PACK))
    assert load_pack(archive).entries == load_pack(SAMPLE_PACK).entries
