"""Ingestion: a file → :class:`Document` (normalised text, offset map, tables).

The format is detected from the file's content, not its extension. See
:mod:`jixiao.ingest.registry` for the checks and the reader table.
"""

from __future__ import annotations

from jixiao.ingest.document import Cell, Document, Table

__all__ = ["Cell", "Document", "Table", "load"]


def load(path, *, source: str | None = None, max_mb: float | None = None) -> Document:
    """Read one file. Raises :class:`jixiao.errors.IngestError` with a Chinese reason.

    ``source`` names the document (default: the path); ``max_mb`` overrides the size limit
    (default 50 MB, or the environment variable ``JIXIAO_MAX_FILE_MB``).
    """
    from jixiao.ingest.registry import load as _load

    return _load(path, source=source, max_mb=max_mb)
