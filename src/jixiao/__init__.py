"""jixiao (绩效): read, check and score 部门整体支出绩效自评报告.

Public API:
    load(path) -> Document               file → normalised text + offset map + tables
    extract_report(document) -> Report   text → grounded, structured data (no review)
    analyse(path, **options) -> Report   both, then the review rules (``report.findings``)
    jixiao.pipeline                      the whole analysis with its options (select/ignore rules,
                                         scoring, data folder), for files, bytes or text
"""

from __future__ import annotations

__version__ = "0.1.0"

# imported after __version__: modules below read it from here
from jixiao import pipeline  # noqa: E402
from jixiao.errors import IngestError, JixiaoError  # noqa: E402
from jixiao.extract import extract as extract_report  # noqa: E402
from jixiao.ingest import load  # noqa: E402
from jixiao.model import Report  # noqa: E402

__all__ = ["IngestError", "JixiaoError", "__version__", "analyse", "extract_report", "load", "pipeline"]


def analyse(path, **options) -> Report:
    """Load, extract and review one file (``options``: those of :class:`jixiao.pipeline.Options`)."""
    return pipeline.analyse(path, pipeline.Options(**options)).report
