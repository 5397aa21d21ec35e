"""Ingestion: a file → :class:`Document` (normalised text, offset map, tables).

The format is detected from the file's content, not its extension. See
:mod:`jixiao.ingest.registry` for the checks and the reader table.
"""

from __future__ import annotations

from jixiao.ingest.document import Cell, Document, Table
from jixiao.ingest.registry import load

__all__ = ["Cell", "Document", "Table", "load"]
