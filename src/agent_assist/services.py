"""Load what the assist needs (pack, embedder, index) once, off the UI thread, all or nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from agent_assist.config import RetrievalSettings, TrustSettings
from agent_assist.guidance.engine import GUIDANCE_VECTORS_FILE, GuidanceModel
from agent_assist.retrieval.embedder import Embedder, load_embedder
from agent_assist.retrieval.index import (
    LoadedIndex,
    build_index,
    check_built_with,
    is_stale,
    load_index,
    read_build,
)
from agent_assist.retrieval.pack import ScriptPack, load_pack, merge_packs
from agent_assist.retrieval.pack_signing import parse_public_key, verify_pack
from agent_assist.retrieval.retriever import Retriever

logger = logging.getLogger(__name__)

# Loading step descriptions for a progress display: (message, fraction done).
LoadProgress = Callable[[str, float], None]
_WARM_UP_QUERY = "我想提前还款"


@dataclass(frozen=True)
class AssistServices:
    """Everything retrieval needs, loaded and checked."""

    pack: ScriptPack
    embedder: Embedder
    index: LoadedIndex
    retriever: Retriever
    guidance: GuidanceModel


def index_dir_for(settings: RetrievalSettings, pack: ScriptPack) -> Path:
    return settings.index_root / pack.manifest.id


def load_configured_pack(settings: RetrievalSettings, trust: TrustSettings) -> ScriptPack:
    """The base pack with the team packs merged over it, as the settings name them; each
    signed by a key IT trusts when ``trust`` names any."""
    paths = (settings.pack, *settings.team_packs)
    if trust.pack_keys:
        keys = [parse_public_key(line) for line in trust.pack_keys]
        for path in paths:
            signed = verify_pack(path, keys)
            logger.info("pack %s signed by %s (key %s)", path.name, signed.signer, signed.key_id)
    return merge_packs([load_pack(p) for p in paths])


def load_services(
    settings: RetrievalSettings,
    models_dir: Path,
    progress: LoadProgress | None = None,
    trust: TrustSettings | None = None,
) -> AssistServices:
    """Load the pack and embedder; build the index if missing or out of date with the pack.

    An index built with another embedding model is refused, never silently rebuilt: it means
    the deployment is inconsistent (IT shipped an index for another model).
    """
    report = progress or (lambda _msg, _frac: None)
    report("Checking script pack", 0.05)
    pack = load_configured_pack(settings, trust or TrustSettings())
    report("Loading embedding model", 0.15)
    embedder = load_embedder(settings.embedder, models_dir, settings.threads)
    index_dir = index_dir_for(settings, pack)
    build = read_build(index_dir)
    if build is not None:
        check_built_with(build, embedder, index_dir)
    if build is None or is_stale(build, pack):
        logger.info(
            "index for pack %s is %s: building",
            pack.manifest.id,
            "missing" if build is None else "out of date",
        )
        build_index(
            pack,
            embedder,
            index_dir,
            lambda done, total: report("Building index", 0.3 + 0.6 * done / total),
        )
    report("Loading index", 0.9)
    index = load_index(index_dir, embedder)
    min_score = settings.min_score if settings.min_score is not None else embedder.default_min_score
    retriever = Retriever(embedder, index, settings.top_k, min_score)
    report("Warming up", 0.92)
    # One query now loads jieba's dictionary (about a second) and wakes the encoder and the
    # index: otherwise the customer's first question of the session pays for it.
    retriever.rank(_WARM_UP_QUERY)
    report("Preparing guidance rules", 0.95)
    guidance = GuidanceModel(pack.guidance, embedder, index_dir / GUIDANCE_VECTORS_FILE)
    report("Ready", 1.0)
    return AssistServices(pack, embedder, index, retriever, guidance)
