"""The short benchmark (benchmarks/run_all.py --quick): the hot path through the real panel,
Vosk with both channels live, and search at scale must stay within 1.5× every floor."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow


@pytest.mark.timeout(1500)
def test_the_short_benchmark_keeps_every_floor(tmp_path: Path, use_model_dir: Path) -> None:
    out = tmp_path / "run_all.json"
    env = {**os.environ, "AGENT_ASSIST_RETRIEVAL__EMBEDDER": str(use_model_dir)}
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks/run_all.py"),
            "--quick",
            "--check",
            "--out",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    report = json.loads(out.read_text()) if out.is_file() else {}
    assert done.returncode == 0, report.get("broken") or done.stderr[-3000:]
    assert out.with_suffix(".png").stat().st_size > 10_000, "the chart was drawn"
    # Every floor was measured, end of speech → card included (Vosk paced in real time).
    assert all(v is not None for v in report["headline"].values()), report["headline"]
