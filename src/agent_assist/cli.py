"""The ``agent-assist`` command: the panel, headless replay, models and script packs."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import os
import re
import shutil
import sys
import textwrap
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from agent_assist import __version__, paths
from agent_assist.config import Settings, load_layers
from agent_assist.errors import AgentAssistError

Handler = Callable[[argparse.Namespace, Settings], int]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    from agent_assist import logging_setup

    logging_setup.configure(verbose=args.verbose)
    try:
        if args.handler is _cmd_doctor:  # reports broken settings as one of its checks
            return _cmd_doctor(args)
        layers = load_layers()
        args.locked = layers.locked  # the settings dialog shows IT's locked settings
        settings = layers.settings
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
    run.add_argument(
        "--live", action="store_true", help="take a live call from audio.source once ready"
    )
    _add_source_arguments(run)
    run.set_defaults(handler=_cmd_run)

    demo = sub.add_parser("demo", help="open the panel and replay the bundled demo call")
    demo.add_argument("--fast", action="store_true", help="replay as fast as possible")
    demo.set_defaults(handler=_cmd_demo)

    replay = sub.add_parser("replay", help="replay a call without a window and print results")
    replay.add_argument("file", type=Path, help="call script (.yaml) or WAV recording")
    replay.add_argument("--json", action="store_true", help="one JSON object per utterance")
    replay.add_argument("--realtime", action="store_true", help="pace the replay in real time")
    _add_call_arguments(replay)
    replay.set_defaults(handler=_cmd_replay)

    listen = sub.add_parser(
        "listen", help="transcribe a live call without a window and print transcripts and cards"
    )
    _add_source_arguments(listen)
    listen.add_argument("--json", action="store_true", help="one JSON object per utterance")
    listen.add_argument("--seconds", type=float, help="stop after this many seconds")
    listen.set_defaults(handler=_cmd_listen)

    devices = sub.add_parser("devices", help="list microphones and loopback sources")
    devices.set_defaults(handler=_cmd_devices)

    packs = sub.add_parser(
        "packs",
        help="open the team lead's pack manager: validate, preview, try phrases, see versions",
    )
    packs.add_argument("path", type=Path, nargs="?", help="a pack folder or zip to open")
    packs.set_defaults(handler=_cmd_packs)

    doctor = sub.add_parser(
        "doctor",
        help="check this workstation and say how to fix what is wrong (exit 1: cannot work)",
        description=(
            "Checks Python and Qt, a font for Chinese, the settings, the models against their "
            "checksums, the pack and its index, audio devices, the network listener and the "
            "data and log folders. Exits 0 when agent-assist can work (warnings allowed), "
            "1 when it cannot."
        ),
    )
    doctor.add_argument("--json", action="store_true", help="print the checks as JSON")
    doctor.set_defaults(handler=_cmd_doctor)

    _add_calls_commands(sub)
    _add_bundle_commands(sub)
    _add_models_commands(sub)
    _add_pack_commands(sub)
    _add_eval_commands(sub)
    return parser


def _add_source_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source", choices=("capture", "network"), help="override audio.source for this run"
    )
    parser.add_argument("--mic", help="microphone id or name part (audio.microphone)")
    parser.add_argument("--loopback", help="loopback source id or name part (audio.loopback)")
    parser.add_argument("--swap", action="store_true", help="swap agent and customer sides")


def _add_call_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--call-type", help="guidance call type: service, collections … (pack)")
    parser.add_argument("--customer", help="the lender's customer reference (contact counts)")
    parser.add_argument(
        "--party", choices=("debtor", "third_party", "unknown"), help="who answered"
    )
    parser.add_argument("--no-record", action="store_true", help="keep no call record")


def _add_calls_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    calls = sub.add_parser("calls", help="past call records: list, show, edit, export")
    csub = calls.add_subparsers(title="calls commands", metavar="WHAT", required=True)
    listing = csub.add_parser("list", help="newest first")
    _add_call_filters(listing)
    listing.set_defaults(handler=_cmd_calls_list)
    show = csub.add_parser("show", help="one call's record and summary")
    show.add_argument("call_id")
    show.add_argument("--json", action="store_true", help="the whole record as JSON")
    show.set_defaults(handler=_cmd_calls_show)
    edit = csub.add_parser("edit", help="correct a call's summary before export")
    edit.add_argument("call_id")
    edit.add_argument("--summary", help='summary lines, separated by " | "')
    edit.add_argument("--disposition", help="e.g. answered, promise_to_pay, escalated_risk")
    edit.add_argument("--topic", help="topic label")
    edit.set_defaults(handler=_cmd_calls_edit)
    export = csub.add_parser("export", help="records as JSON or CSV for a ticket system")
    _add_call_filters(export)
    export.add_argument("--format", choices=("json", "csv"), default="json")
    export.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    export.set_defaults(handler=_cmd_calls_export)


def _add_call_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--search", default="", help="text in transcript, summary or customer")
    parser.add_argument("--since", type=_date, help="first day, YYYY-MM-DD")
    parser.add_argument("--until", type=_date, help="last day, YYYY-MM-DD")
    parser.add_argument("--limit", type=int, default=200)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-23") from exc


def _add_eval_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    evaluate = sub.add_parser("eval", help="measure recognition quality")
    esub = evaluate.add_subparsers(title="eval commands", metavar="WHAT", required=True)
    asr = esub.add_parser(
        "asr", help="character/word error rate against DIR/transcripts.tsv (file, lang, reference)"
    )
    asr.add_argument("dir", type=Path)
    asr.add_argument("--lang", help="only rows of this language (zh, en)")
    asr.add_argument("--json", action="store_true", help="print one JSON object per file")
    asr.set_defaults(handler=_cmd_eval_asr)
    retrieval = esub.add_parser(
        "retrieval",
        help="recall@1/@3 and MRR with 95%% bootstrap intervals: dense, lexical and fused",
    )
    retrieval.add_argument(
        "--sets",
        default="sample-pack,banking77,bq,atec",
        help="comma-separated: sample-pack, banking77, bq, atec (default: all)",
    )
    retrieval.add_argument(
        "--assets",
        type=Path,
        help="folder with banking77/, bq_corpus/, afqmc/ (default: ../shared/assets/eval)",
    )
    retrieval.add_argument("--queries", type=Path, help="labelled queries for the sample pack")
    retrieval.add_argument("--max-queries", type=int, default=2000, help="per public set")
    retrieval.add_argument("--json", type=Path, help="also write the report here")
    retrieval.set_defaults(handler=_cmd_eval_retrieval)
    guidance = esub.add_parser(
        "guidance", help="precision and recall of each guidance detector on labelled sets"
    )
    guidance.add_argument(
        "--sets", type=Path, help="folder of *_eval.yaml sets (default: tests/data/guidance)"
    )
    guidance.add_argument("--errors", action="store_true", help="list every wrong item")
    guidance.add_argument("--json", type=Path, help="also write the report here")
    guidance.set_defaults(handler=_cmd_eval_guidance)


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


def _add_bundle_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    bundle = sub.add_parser(
        "bundle", help="offline install: models, packs and settings in one verified zip"
    )
    bsub = bundle.add_subparsers(title="bundle commands", metavar="ACTION", required=True)
    create = bsub.add_parser(
        "create",
        help="pack this workstation's models and packs (or the ones named) into a bundle",
    )
    create.add_argument("archive", type=Path, help="the bundle to write (.zip)")
    create.add_argument("--asr-model", metavar="NAME_OR_FOLDER", help="instead of asr.model")
    create.add_argument("--no-asr-model", action="store_true", help="leave the speech model out")
    create.add_argument("--embedder", metavar="NAME_OR_FOLDER", help="instead of the embedder")
    create.add_argument(
        "--pack",
        type=Path,
        action="append",
        metavar="FOLDER_OR_ZIP",
        help="a pack to include (repeat; the first is the base pack); default: the configured",
    )
    create.add_argument(
        "--settings", type=Path, metavar="FILE", help="a settings.toml to install with it"
    )
    create.set_defaults(handler=_cmd_bundle_create)
    install = bsub.add_parser(
        "install", help="verify every file of a bundle, then install it (nothing if damaged)"
    )
    install.add_argument("archive", type=Path)
    install.add_argument(
        "--to", type=Path, metavar="FOLDER", help="where models and packs go (the data folder)"
    )
    install.add_argument(
        "--machine-wide",
        action="store_true",
        help="write the settings to the machine-wide file IT manages, not the user's",
    )
    install.set_defaults(handler=_cmd_bundle_install)
    verify = bsub.add_parser("verify", help="check every file of a bundle; install nothing")
    verify.add_argument("archive", type=Path)
    verify.set_defaults(handler=_cmd_bundle_verify)


def _add_pack_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    pack = sub.add_parser("pack", help="validate, build and sign script packs")
    psub = pack.add_subparsers(title="pack commands", metavar="ACTION", required=True)
    validate = psub.add_parser("validate", help="check a pack; list every problem with file:line")
    validate.add_argument("path", type=Path)
    validate.add_argument(
        "--no-semantic",
        action="store_true",
        help="skip the near-duplicate check by meaning (it embeds every question)",
    )
    validate.set_defaults(handler=_cmd_pack_validate)
    schema = psub.add_parser("schema", help="write the JSON Schemas of the pack files")
    schema.add_argument("--out", type=Path, default=Path("."), help="folder (default: here)")
    schema.set_defaults(handler=_cmd_pack_schema)
    diff = psub.add_parser("diff", help="what changed between two versions of a pack")
    diff.add_argument("old", type=Path)
    diff.add_argument("new", type=Path)
    diff.set_defaults(handler=_cmd_pack_diff)
    importer = psub.add_parser(
        "import", help="make a pack from an FAQ spreadsheet (.csv or .xlsx, one row per entry)"
    )
    importer.add_argument("file", type=Path)
    importer.add_argument("--out", type=Path, required=True, help="pack folder to write")
    importer.add_argument("--id", default=None, help="pack id (default: from the file name)")
    importer.add_argument("--owner", default="team lead")
    importer.set_defaults(handler=_cmd_pack_import)
    build = psub.add_parser("build", help="embed a pack and write its FAISS index")
    build.add_argument("path", type=Path, nargs="?", help="pack folder (default: settings)")
    build.add_argument("--out", type=Path, help="index folder (default: index_root/<pack id>)")
    build.set_defaults(handler=_cmd_pack_build)
    keygen = psub.add_parser(
        "keygen", help="make a team lead's signing key (KEY) and its public half (KEY.pub)"
    )
    keygen.add_argument("key", type=Path, help="the private key file to create (keep it safe)")
    keygen.add_argument("--signer", required=True, help="who signs, e.g. 'Wang Lei, collections'")
    keygen.set_defaults(handler=_cmd_pack_keygen)
    sign = psub.add_parser("sign", help="sign a pack that validates (writes signature.json)")
    sign.add_argument("path", type=Path, help="pack folder or zip")
    sign.add_argument("--key", type=Path, required=True, help="the private key from `keygen`")
    sign.add_argument("--signer", default="", help="name shown to workstations (default: key's)")
    sign.set_defaults(handler=_cmd_pack_sign)
    verify = psub.add_parser("verify", help="check a pack's signature against trusted keys")
    verify.add_argument("path", type=Path, help="pack folder or zip")
    verify.add_argument(
        "--key",
        action="append",
        metavar="PUB",
        help="a trusted public key (.pub file or line; repeat); default: [trust] pack_keys",
    )
    verify.set_defaults(handler=_cmd_pack_verify)


def _with_source_arguments(args: argparse.Namespace, settings: Settings) -> Settings:
    """Settings with the command line's source choices applied on top."""
    update = {
        key: value
        for key, value in {
            "source": getattr(args, "source", None),
            "microphone": getattr(args, "mic", None),
            "loopback": getattr(args, "loopback", None),
            "swap_channels": getattr(args, "swap", False) or None,
        }.items()
        if value is not None
    }
    return settings.model_copy(update={"audio": settings.audio.model_copy(update=update)})


def _cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist.app import LIVE, run_app

    settings = _with_source_arguments(args, settings)
    initial = LIVE if getattr(args, "live", False) else args.replay
    return run_app(settings, replay=initial, realtime=not args.fast, locked=args.locked)


def _cmd_packs(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist.ui.pack_manager import open_pack_manager

    return open_pack_manager(settings, args.path)


def _cmd_listen(args: argparse.Namespace, settings: Settings) -> int:
    import threading

    from agent_assist.call_sources import open_live
    from agent_assist.headless import HeadlessReplay
    from agent_assist.services import load_services

    settings = _with_source_arguments(args, settings)
    services = load_services(settings.retrieval, paths.models_dir(), trust=settings.trust)
    source = open_live(settings, paths.models_dir(), services.pack.manifest.terms)
    stop = threading.Event()
    if args.seconds:
        threading.Timer(args.seconds, stop.set).start()
    replay = HeadlessReplay(services.retriever, settings.retrieval.debounce_ms / 1000)
    replay.on_event = lambda event: print(f"  · {_describe_event(event)}", file=sys.stderr)
    try:
        for report in replay.run(source, stop):
            row = report.as_json()
            if args.json:
                print(json.dumps(row, ensure_ascii=False), flush=True)
            else:
                _print_report_row(row)
    except KeyboardInterrupt:
        stop.set()
    return 0


def _describe_event(event: object) -> str:
    message = getattr(event, "message", None) or getattr(event, "detail", "")
    return f"{type(event).__name__}: {message}" if message else repr(event)


def _cmd_eval_retrieval(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist.retrieval.embedder import load_embedder
    from agent_assist.retrieval.eval_sets import load_eval_set
    from agent_assist.retrieval.evaluate import (
        evaluate,
        index_for_set,
        no_answer_report,
        sample_pack_set,
    )
    from agent_assist.services import load_services

    retrieval = settings.retrieval
    assets = args.assets or paths.shared_eval_assets()
    report = []
    if set(args.sets.split(",")) - {"sample-pack"} and not assets.is_dir():
        raise AgentAssistError(f"No evaluation sets at {assets}: pass --assets FOLDER")
    for name in [n.strip() for n in args.sets.split(",") if n.strip()]:
        if name == "sample-pack":
            services = load_services(retrieval, paths.models_dir(), trust=settings.trust)
            embedder, index = services.embedder, services.index
            queries = args.queries or paths.sample_queries_file()
            if not queries.is_file():
                raise AgentAssistError(f"No labelled queries at {queries}: pass --queries FILE")
            eval_set = sample_pack_set(retrieval.pack, queries)
        else:
            embedder = load_embedder(retrieval.embedder, paths.models_dir(), retrieval.threads)
            eval_set = load_eval_set(name, assets, max_queries=args.max_queries)
            with _progress_bar(desc=f"indexing {name}", unit="text") as progress:
                index = index_for_set(eval_set, embedder, paths.cache_dir() / "eval", progress)
        result = evaluate(eval_set, index, embedder)
        _print_set_result(result)
        report.append(_set_result_json(result))
        if name == "sample-pack":
            no_answer = no_answer_report(services.retriever, index, queries)
            _print_no_answer(no_answer)
            report[-1]["no_answer"] = dataclasses.asdict(no_answer)
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def _print_set_result(result: Any) -> None:
    print(f"\n{result.eval_set.name}: {result.eval_set.description}")
    print(f"  {'method':8} {'recall@1':>22} {'recall@3':>22} {'MRR@10':>22}")
    for m in result.methods:
        r = m.report
        print(f"  {m.method:8} {r.recall_at_1!s:>22} {r.recall_at_3!s:>22} {r.mrr!s:>22}")
    if result.fused_gain is not None:
        diff, low, high = result.fused_gain
        verdict = "beats" if low > 0 else ("loses to" if high < 0 else "ties with")
        print(
            f"  fused {verdict} {result.better_single} on recall@1: "
            f"{diff:+.3f} [{low:+.3f}, {high:+.3f}] (paired bootstrap)"
        )


def _print_no_answer(r: Any) -> None:
    print(
        f"  at the threshold {r.threshold:.2f}: {r.right}/{r.in_scope} in-scope phrasings get a "
        f"right-topic top card, {r.wrong} a wrong one, {r.silent} none; "
        f"{r.out_of_scope_rejected}/{r.out_of_scope} out-of-scope questions get no card"
    )


def _set_result_json(result: Any) -> dict[str, Any]:
    def metric(m: Any) -> dict[str, float]:
        return {"value": m.value, "low": m.low, "high": m.high}

    return {
        "set": result.eval_set.name,
        "description": result.eval_set.description,
        "documents": len(result.eval_set.documents),
        "queries": len(result.eval_set.queries),
        "methods": {
            m.method: {
                "recall_at_1": metric(m.report.recall_at_1),
                "recall_at_3": metric(m.report.recall_at_3),
                "mrr": metric(m.report.mrr),
            }
            for m in result.methods
        },
        "fused_minus_better_single_recall_at_1": result.fused_gain,
        "better_single": result.better_single,
    }


def _cmd_devices(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist.speech.sources.capture import list_devices

    devices = list_devices()
    for kind, loopback in (("Microphones (agent side)", False), ("Loopback (customer side)", True)):
        print(f"{kind}:")
        for device in (d for d in devices if d.loopback == loopback):
            print(f"  {device.id}  —  {device.name}")
    return 0


def _cmd_eval_asr(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist.call_sources import engine_loader, speech_options
    from agent_assist.speech.asr_eval import score_folder

    scores = []
    options = speech_options(settings)
    for score in score_folder(
        args.dir, engine_loader(settings.asr, paths.models_dir()), options, args.lang
    ):
        scores.append(score)
        ref = score.reference
        if args.json:
            row = {
                "file": str(ref.file.relative_to(args.dir)),
                "lang": ref.lang,
                "human_reference": ref.is_human,
                "error_rate": round(score.error_rate, 4),
                "errors": score.errors,
                "length": score.length,
                "rtf": round(score.real_time_factor, 3),
                "reference": ref.text,
                "hypothesis": score.hypothesis,
            }
            print(json.dumps(row, ensure_ascii=False), flush=True)
        else:
            unit = "CER" if ref.lang == "zh" else "WER"
            mark = "" if ref.is_human else "  (reference not human-made)"
            rate, rtf = score.error_rate, score.real_time_factor
            print(f"{unit} {rate:6.1%}  RTF {rtf:.2f}  {ref.file.name}{mark}")
    for lang in sorted({s.reference.lang for s in scores}):
        human = [s for s in scores if s.reference.lang == lang and s.reference.is_human]
        if human:
            rate = sum(s.errors for s in human) / max(1, sum(s.length for s in human))
            unit = "CER" if lang == "zh" else "WER"
            print(f"{lang}: {unit} {rate:.1%} over {len(human)} files with human references")
    return 0


def _cmd_doctor(args: argparse.Namespace) -> int:
    from agent_assist import health

    checks = _workstation_checks()
    if args.json:
        print(json.dumps([dataclasses.asdict(c) for c in checks], ensure_ascii=False, indent=2))
    else:
        _print_checks(checks)
    return 1 if health.has_errors(checks) else 0


def _workstation_checks() -> list[Any]:
    from agent_assist import health

    checks = health.runtime_checks()
    if all(c.ok for c in checks):  # the font check needs Qt
        from agent_assist.ui.fonts import CHINESE_FONT, check_chinese_font

        checks.append(health.guarded(CHINESE_FONT, "error", check_chinese_font))
    try:
        layers = load_layers()
    except AgentAssistError as exc:
        fix = "Correct the file or environment variable named above."
        return [*checks, health.Check(health.SETTINGS, False, "error", str(exc), fix)]
    return checks + health.run_checks(layers.settings, paths.models_dir(), layers=layers)


def _print_checks(checks: Sequence[Any]) -> None:
    print(f"agent-assist {__version__}: checking this workstation")
    indent = " " * 37
    width = max(60, shutil.get_terminal_size().columns - 1)
    for check in checks:
        mark = "ok" if check.ok else ("ERROR" if check.severity == "error" else "warn")
        text = check.detail + (f"\nfix: {check.fix}" if not check.ok and check.fix else "")
        lines = [
            wrapped
            for line in text.splitlines() or [""]
            for wrapped in textwrap.wrap(
                line, width - len(indent), subsequent_indent="  ", break_on_hyphens=False
            )
            or [""]
        ]
        print(f"  {mark:6} {check.name:26}  {lines[0]}")
        for line in lines[1:]:
            print(indent + line)
    errors = sum(not c.ok and c.severity == "error" for c in checks)
    warnings = sum(not c.ok and c.severity == "warning" for c in checks)
    if errors:
        print(f"{errors} problem(s) stop agent-assist from working; {warnings} warning(s).")
    else:
        print(f"agent-assist can work on this workstation ({warnings} warning(s)).")


def _cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist.app import run_app

    return run_app(
        settings, replay=paths.demo_call_file(), realtime=not args.fast, locked=args.locked
    )


def _cmd_replay(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist.call_session import metadata_from, open_session
    from agent_assist.call_sources import open_replay
    from agent_assist.headless import HeadlessReplay
    from agent_assist.services import load_services

    services = load_services(settings.retrieval, paths.models_dir(), trust=settings.trust)
    terms = services.pack.manifest.terms
    source = open_replay(args.file, settings, paths.models_dir(), args.realtime, terms)
    if args.no_record:
        settings = settings.model_copy(
            update={"record": settings.record.model_copy(update={"enabled": False})}
        )
    meta = metadata_from(
        settings, call_type=args.call_type, customer_ref=args.customer, party=args.party
    )
    manifest = services.pack.manifest
    session = open_session(
        settings, services.guidance, meta, f"replay:{args.file.name}",
        f"{manifest.id}@{manifest.version}",
    )  # fmt: skip
    replay = HeadlessReplay(services.retriever, settings.retrieval.debounce_ms / 1000, session)
    for report in replay.run(source):
        row = report.as_json()
        if args.json:
            print(json.dumps(row, ensure_ascii=False), flush=True)
        else:
            _print_report_row(row)
    if replay.ended is not None:
        ended = {"call_id": replay.ended.call_id, "summary": replay.ended.summary}
        if args.json:
            print(json.dumps({"call_ended": ended}, ensure_ascii=False), flush=True)
        else:
            _print_summary(replay.ended.call_id, replay.ended.summary)
    for problem in replay.record_errors:
        print(f"agent-assist: the call record is incomplete: {problem}", file=sys.stderr)
    return 1 if replay.record_errors else 0


def _print_summary(call_id: str, summary: dict[str, Any]) -> None:
    print(
        f"\n通话记录 {call_id}  主题：{summary['topic_label']}  处理结果：{summary['disposition']}"
    )
    print(f"质检分 QA {summary['qa']['score']}")
    for d in summary["qa"]["deductions"]:
        print(f"  -{d['points']:>3}  {d['reason']}")
    for line in summary["summary"]:
        print(f"  {line}")
    facts = {k: v for k, v in summary["key_facts"].items() if v}
    for key, values in facts.items():
        print(f"  {key}: {', '.join(values)}")


def _print_report_row(row: dict) -> None:  # type: ignore[type-arg]
    who = "客户" if row["speaker"] == "customer" else "坐席"
    print(f"[{row['start_s']:6.1f}s] {who}: {row['text']}")
    for card in row["suggestions"]:
        print(f"           → {card['score']:.2f} [{card['topic']}] {card['title']}")
    if row["suggestions"]:
        t = row["timings_ms"]
        print(f"           ({t['embed']:.1f} ms embed, {t['search']:.2f} ms search)")
    for alert in row["alerts"]:
        print(
            f"           ⚠ {alert['severity']} {alert['kind']}: {alert['title']} ({alert['how']})"
        )
        if alert["advice"]:
            print(f"             建议 → {alert['advice']}")
    for follow in row["follow_ups"]:
        print(f"           {'✓' if follow['resolved'] else '✗'} {follow['note']}")


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
    from agent_assist.errors import ModelMissingError
    from agent_assist.retrieval.embedder import load_embedder
    from agent_assist.retrieval.pack import load_pack
    from agent_assist.retrieval.pack_lint import lint_pack

    pack = load_pack(args.path)
    print(
        f"{pack.manifest.id} {pack.manifest.version}: valid "
        f"({len(pack.entries)} knowledge entries, {len(pack.scripts)} scripts)"
    )
    embedder = None
    if not args.no_semantic:
        retrieval = settings.retrieval
        try:
            embedder = load_embedder(retrieval.embedder, paths.models_dir(), retrieval.threads)
        except ModelMissingError as exc:
            print(f"(near-duplicates by meaning not checked: {exc})")
    with _progress_bar(desc="comparing questions", unit="text") as progress:
        warnings = lint_pack(pack, embedder, progress=progress)
    for warning in warnings:
        print(f"warning: {warning}")
    return 0


def _cmd_pack_schema(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist.retrieval.pack import json_schemas

    args.out.mkdir(parents=True, exist_ok=True)
    for name, schema in json_schemas().items():
        (args.out / name).write_text(
            json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        print(args.out / name)
    return 0


def _cmd_pack_diff(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist.retrieval.pack import load_pack
    from agent_assist.retrieval.pack_diff import diff_packs

    difference = diff_packs(load_pack(args.old), load_pack(args.new))
    for line in difference.lines():
        print(line)
    if difference.is_empty:
        print("no changes")
    return 0


def _cmd_pack_import(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist.retrieval.pack import MANIFEST_FILE, SCRIPTS_FILE, load_pack
    from agent_assist.retrieval.pack_import import import_faq, write_knowledge

    entries = import_faq(args.file)
    args.out.mkdir(parents=True, exist_ok=True)
    write_knowledge(entries, args.out / "knowledge.yaml")
    manifest = args.out / MANIFEST_FILE
    if not manifest.exists():
        pack_id = args.id or re.sub(r"[^a-z0-9_.-]+", "-", args.file.stem.lower()).strip("-")
        languages = sorted({e.language for e in entries})
        manifest.write_text(
            f"id: {pack_id or 'imported-pack'}\nversion: 0.1.0\ntitle: {args.file.stem}\n"
            f"owner: {args.owner}\nlanguages: [{', '.join(languages)}]\n",
            encoding="utf-8",
        )
    scripts = args.out / SCRIPTS_FILE
    if not scripts.exists():
        scripts.write_text("scripts: []\n", encoding="utf-8")
    pack = load_pack(args.out)
    print(f"Wrote {args.out}: {len(pack.entries)} entries from {args.file.name}")
    return 0


def _cmd_pack_build(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist.retrieval.embedder import load_embedder
    from agent_assist.retrieval.index import build_index
    from agent_assist.retrieval.pack import load_pack

    retrieval = settings.retrieval
    pack = load_pack(args.path or retrieval.pack)
    # Off the call path: every core (the app itself uses retrieval.threads).
    threads = max(retrieval.threads, os.cpu_count() or 1)
    embedder = load_embedder(retrieval.embedder, paths.models_dir(), threads)
    out = args.out or retrieval.index_root / pack.manifest.id
    with _progress_bar(desc=f"embedding {pack.manifest.id}", unit="text") as progress:
        build = build_index(pack, embedder, out, progress)
    counts = build["counts"]
    print(
        f"Built {out}: {counts['entries']} entries, {counts['scripts']} scripts, "
        f"{counts['vectors']} vectors ({counts['vectors_embedded']} embedded, "
        f"{counts['vectors_reused']} reused), model {build['embedder']['model_id']}, "
        f"{build['build_seconds']} s"
    )
    return 0


def _cmd_pack_keygen(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist.retrieval.pack_signing import generate_key

    public = generate_key(args.key, args.signer)
    print(f"Private key: {args.key} (only you can read it; never share it)")
    print(f"Public key:  {args.key.with_suffix('.pub')} (give it to IT for [trust] pack_keys):")
    print(f"  {public.line()}")
    return 0


def _cmd_pack_sign(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist.retrieval.pack_signing import read_private_key, sign_pack

    public_file = args.key.with_suffix(".pub")
    signer = args.signer or _signer_of(public_file)
    signed = sign_pack(args.path, read_private_key(args.key), signer)
    print(f"Signed {args.path} as {signed.signer or 'unnamed'} (key {signed.key_id}).")
    return 0


def _signer_of(public_file: Path) -> str:
    from agent_assist.retrieval.pack_signing import parse_public_key

    return parse_public_key(str(public_file)).signer if public_file.is_file() else ""


def _cmd_pack_verify(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist.retrieval.pack_signing import parse_public_key, verify_pack

    lines = args.key or list(settings.trust.pack_keys)
    if not lines:
        raise AgentAssistError("No trusted keys: give --key PUB or set [trust] pack_keys.")
    signed = verify_pack(args.path, [parse_public_key(line) for line in lines])
    print(f"{args.path}: signed by {signed.signer} (key {signed.key_id}) at {signed.signed_at}.")
    return 0


def _cmd_bundle_create(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist import bundle

    retrieval, asr = settings.retrieval, settings.asr
    if args.pack:
        retrieval = retrieval.model_copy(update={"pack": args.pack[0], "team_packs": args.pack[1:]})
    retrieval = retrieval.model_copy(update={"embedder": args.embedder or retrieval.embedder})
    asr = asr.model_copy(
        update={"model": args.asr_model or asr.model, "engine": "remote" if args.no_asr_model
                else asr.engine}
    )  # fmt: skip
    chosen = settings.model_copy(update={"retrieval": retrieval, "asr": asr})
    contents = bundle.contents_from_settings(chosen, paths.models_dir(), args.settings)
    with _progress_bar(desc="bundle", unit="B", unit_scale=True) as progress:
        manifest = bundle.create_bundle(contents, args.archive, progress)
    size_mb = args.archive.stat().st_size / 1e6
    print(f"Wrote {args.archive} ({size_mb:.1f} MB, {len(manifest['sha256'])} files):")
    for model in contents.models:
        print(f"  {model.role} model {model.name}  ({model.source})")
    for pack in contents.packs:
        print(f"  pack {pack.id} {pack.version}  ({pack.source})")
    if contents.settings:
        print(f"  settings {contents.settings}")
    return 0


def _cmd_bundle_install(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist import bundle

    target = paths.machine_settings_file() if args.machine_wide else paths.settings_file()
    with _progress_bar(desc="verify", unit="B", unit_scale=True) as progress:
        report = bundle.install_bundle(
            args.archive,
            args.to or paths.data_dir(),
            target,
            progress,
            machine_wide=args.machine_wide,
        )
    print(f"Every file of {args.archive} matched its sha256. Installed:")
    for path in (*report.models, *report.packs):
        print(f"  {path}")
    print(f"Settings written to {report.settings_file}. Check with `agent-assist doctor`.")
    return 0


def _cmd_bundle_verify(args: argparse.Namespace, settings: Settings) -> int:
    import tempfile

    from agent_assist import bundle

    with (
        tempfile.TemporaryDirectory(prefix="agent-assist-bundle-") as tmp,
        _progress_bar(desc="verify", unit="B", unit_scale=True) as progress,
    ):
        manifest = bundle.extract_verified(args.archive, Path(tmp), progress)
    print(f"{args.archive}: all {len(manifest['sha256'])} files match their sha256.")
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


def _call_store(settings: Settings) -> Any:
    from agent_assist.record.store import CallStore

    if not settings.record.database.exists():
        raise AgentAssistError(
            f"No call records yet at {settings.record.database} (record.database)"
        )
    return CallStore(
        settings.record.database,
        settings.privacy.keep_last_digits,
        encrypt=settings.record.encrypt,
    )


def _cmd_calls_list(args: argparse.Namespace, settings: Settings) -> int:
    store = _call_store(settings)
    rows = store.calls(args.search, args.since, args.until, args.limit)
    for call in rows:
        summary = call.summary or {}
        qa = summary.get("qa", {}).get("score", "–")
        print(
            f"{call.call_id}  {call.started_at[:19]}  {call.status:<11} {call.call_type or '-':<11}"
            f" QA {qa!s:>3}  {summary.get('topic_label', '')}  {summary.get('disposition', '')}"
        )
    print(f"{len(rows)} call(s)", file=sys.stderr)
    return 0


def _cmd_calls_show(args: argparse.Namespace, settings: Settings) -> int:
    record = _call_store(settings).record(args.call_id)
    if args.json:
        print(json.dumps(record, ensure_ascii=False, indent=2))
        return 0
    call = record["call"]
    print(f"{call['call_id']}  {call['started_at'][:19]} → {(call['ended_at'] or '')[:19]}"
          f"  {call['status']}  {call['call_type']}")  # fmt: skip
    for u in record["utterances"]:
        who = "客户" if u["speaker"] == "customer" else "坐席"
        print(f"[{u['start_s']:6.1f}s] {who}: {u['text']}")
    for a in record["alerts"]:
        print(f"  ⚠ {a['severity']} {a['kind']}: {a['title']}  「{a['quote']}」")
    for s in record["checklist"]:
        mark = "✓" if s["done"] else ("✗" if s["required"] else "·")
        print(f"  {mark} {s['title']}")
    if call["summary"]:
        _print_summary(call["call_id"], call["summary"])
    return 0


def _cmd_calls_edit(args: argparse.Namespace, settings: Settings) -> int:
    store = _call_store(settings)
    summary = dict(store.record(args.call_id)["call"]["summary"] or {})
    if args.summary is not None:
        summary["summary"] = [line.strip() for line in args.summary.split("|") if line.strip()]
    if args.disposition is not None:
        summary["disposition"] = args.disposition
    if args.topic is not None:
        summary["topic_label"] = args.topic
    store.save_summary(args.call_id, summary)
    print(f"saved the edited summary of {args.call_id}")
    return 0


def _cmd_calls_export(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist.record.export import to_csv, to_json

    store = _call_store(settings)
    records = list(store.iter_records(store.calls(args.search, args.since, args.until, args.limit)))
    text = to_csv(records) if args.format == "csv" else to_json(records)
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {len(records)} call(s) to {args.output}", file=sys.stderr)
    return 0


def _cmd_eval_guidance(args: argparse.Namespace, settings: Settings) -> int:
    from agent_assist.guidance.engine import GUIDANCE_VECTORS_FILE, GuidanceModel
    from agent_assist.guidance.evaluate import evaluate_all
    from agent_assist.retrieval.embedder import load_embedder
    from agent_assist.services import index_dir_for, load_configured_pack

    sets = args.sets or paths.guidance_eval_dir()
    retrieval = settings.retrieval
    pack = load_configured_pack(retrieval, settings.trust)
    embedder = load_embedder(retrieval.embedder, paths.models_dir(), retrieval.threads)
    cache = index_dir_for(retrieval, pack) / GUIDANCE_VECTORS_FILE
    results = evaluate_all(sets, GuidanceModel(pack.guidance, embedder, cache))
    if not results:
        raise AgentAssistError(f"No *_eval.yaml sets in {sets}")
    print(
        f"{'detector':<12} {'split':<5} {'precision':>9} {'recall':>7}"
        f" {'tp':>4} {'fp':>4} {'fn':>4}"
    )
    for name, by_split in results.items():
        for split, score in by_split.items():
            print(f"{name:<12} {split:<5} {score.precision:>9.3f} {score.recall:>7.3f}"
                  f" {score.tp:>4} {score.fp:>4} {score.fn:>4}")  # fmt: skip
            if args.errors and split == "all":
                for error in score.errors:
                    print(f"    {json.dumps(error, ensure_ascii=False)}")
    if args.json:
        report = {n: {s: v.as_json() for s, v in d.items()} for n, d in results.items()}
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
