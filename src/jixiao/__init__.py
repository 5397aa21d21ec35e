"""jixiao (绩效): read, check and score 部门整体支出绩效自评报告.

Public API:
    load(path) -> Document               file → normalised text + offset map + tables
    extract_report(document) -> Report   text → grounded, structured data
    analyse(path) -> Report              both
"""

from jixiao.errors import IngestError, JixiaoError

__version__ = "0.1.0"
__all__ = ["IngestError", "JixiaoError", "__version__", "analyse", "extract_report", "load"]


def load(path):
    """Read one file into a :class:`jixiao.ingest.document.Document`."""
    from jixiao.ingest import load as _load

    return _load(path)


def extract_report(document):
    """Extract the grounded report model from a loaded document."""
    from jixiao.extract import extract as _extract

    return _extract(document)


def analyse(path):
    """Load and extract one file."""
    return extract_report(load(path))
