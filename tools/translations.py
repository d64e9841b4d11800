"""Update the interface translations: collect the marked strings of ``src/agent_assist/ui``
into each ``.ts`` file and compile the ``.qm`` files the app loads.

    python tools/translations.py                 # after changing interface strings
    python tools/translations.py --fill zh.tsv   # and fill untranslated strings from a table

A fill table has one string per line: ``context<TAB>source<TAB>translation``, or
``source<TAB>translation`` for every context. Translators may instead edit the ``.ts``
file with Qt Linguist (``pyside6-linguist``) and run this script to compile it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UI_DIR = ROOT / "src" / "agent_assist" / "ui"
TRANSLATIONS = UI_DIR / "translations"
LANGUAGES = ("zh_CN",)


def qt_tool(name: str) -> str:
    """PySide6's Linguist tools, installed beside the Python that runs this script."""
    return str(Path(sys.executable).parent / f"pyside6-{name}")


def ts_file(language: str) -> Path:
    return TRANSLATIONS / f"agent_assist_{language}.ts"


def update(ts: Path, language: str) -> None:
    """Add new strings to ``ts`` and drop the ones no longer in the code."""
    sources = sorted(str(p) for p in UI_DIR.rglob("*.py"))
    subprocess.run(
        [
            qt_tool("lupdate"),
            *sources,
            "-no-obsolete",
            "-locations",
            "none",
            "-target-language",
            language,
            "-ts",
            str(ts),
        ],
        check=True,
        capture_output=True,
    )


def compile_qm(ts: Path, qm: Path) -> None:
    subprocess.run([qt_tool("lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True)


def unfinished(ts: Path) -> list[tuple[str, str]]:
    """(context, source) of every string without a translation."""
    missing = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is None or translation.get("type") == "unfinished":
                missing.append((name, message.findtext("source", "")))
    return missing


def fill(ts: Path, table: Path) -> int:
    """Fill untranslated strings of ``ts`` from ``table``; returns how many were filled."""
    by_context: dict[tuple[str, str], str] = {}
    anywhere: dict[str, str] = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 3:
            by_context[(parts[0], parts[1])] = parts[2]
        elif len(parts) == 2:
            anywhere[parts[0]] = parts[1]
    tree = ET.parse(ts)
    filled = 0
    for context in tree.getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            source = message.findtext("source", "")
            text = by_context.get((name, source), anywhere.get(source))
            if translation is not None and translation.get("type") == "unfinished" and text:
                translation.text = text
                del translation.attrib["type"]
                filled += 1
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return filled


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fill", type=Path, help="a table of translations (see above)")
    args = parser.parse_args()
    for language in LANGUAGES:
        ts = ts_file(language)
        update(ts, language)
        if args.fill:
            print(f"{ts.name}: filled {fill(ts, args.fill)} string(s)")
        update(ts, language)  # lupdate's own layout, so the file only changes where strings do
        compile_qm(ts, ts.with_suffix(".qm"))
        for context, source in unfinished(ts):
            print(f"{ts.name}: untranslated [{context}] {source}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
