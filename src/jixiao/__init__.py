"""jixiao (绩效): read, check and score 部门整体支出绩效自评报告.

Public API:
    load(path) -> Document               file → normalised text + offset map + tables
    extract_report(document) -> Report   text → grounded, structured data (no review)
    analyse(path, **options) -> Report   both, then the review rules (``report.findings``)
    jixiao.pipeline                      the whole analysis with its options (select/ignore rules,
                                         scoring, data folder), for files, bytes or text

The names are loaded on first use (PEP 562), so that importing a small part of the package (the sandbox's
fork server first imports :mod:`jixiao.store.lean`) does not import the whole pipeline.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

from jixiao.errors import IngestError, JixiaoError  # noqa: E402

_LAZY = {"pipeline": ("jixiao.pipeline", None), "load": ("jixiao.ingest", "load"),
         "extract_report": ("jixiao.extract", "extract"), "Report": ("jixiao.model", "Report")}

__all__ = ["IngestError", "JixiaoError", "__version__", "analyse", "extract_report", "load", "pipeline"]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'jixiao' has no attribute {name!r}")
    module, attr = _LAZY[name]
    value = importlib.import_module(module)
    return value if attr is None else getattr(value, attr)


def analyse(path, **options):
    """Load, extract and review one file (``options``: those of :class:`jixiao.pipeline.Options`)."""
    pipeline = importlib.import_module("jixiao.pipeline")
    return pipeline.analyse(path, pipeline.Options(**options)).report
