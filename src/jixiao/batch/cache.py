"""The batch's local cache: one record per (content hash, pipeline version), in a SQLite file — and, for a scanned
file read page by page, each page's OCR as it ends. Values are JSON compressed with zlib.

A record is committed as soon as its analysis ends (WAL journal), so a run killed at any moment —
``kill -9`` included — keeps every record it had finished, and a rerun with ``--resume`` analyses
only what is missing. Being keyed by content, the cache serves a file again under another name or
path, and never serves a result of another pipeline (other code, data files, rules or thresholds:
:func:`pipeline_version`).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from jixiao import __version__, pipeline
from jixiao.ingest import ocr
from jixiao.jsonout import dumps
from jixiao.lexicon import data_dir

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    sha256 TEXT NOT NULL,
    version TEXT NOT NULL,
    record BLOB NOT NULL,
    PRIMARY KEY (sha256, version)
);
CREATE TABLE IF NOT EXISTS pages (
    sha256 TEXT NOT NULL,
    version TEXT NOT NULL,
    page INTEGER NOT NULL,
    result BLOB NOT NULL,
    PRIMARY KEY (sha256, version, page)
)
"""


def content_hash(data: bytes) -> str:
    """The SHA-256 of a file's bytes (hex)."""
    return hashlib.sha256(data).hexdigest()


def _tree_files(root) -> Iterator[tuple[str, bytes]]:
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.is_dir():
            if entry.name != "__pycache__":
                yield from ((f"{entry.name}/{n}", b) for n, b in _tree_files(entry))
        elif entry.name.endswith((".py", ".yaml", ".csv")):
            yield entry.name, entry.read_bytes()


def pipeline_version(options: pipeline.Options) -> str:
    """What the results of an analysis depend on besides the file: the package's version and the
    digest of its code and data files, the user's data folder, the options (rules, thresholds,
    scoring) and the OCR engine in use. Two runs with the same version give the same record for the same bytes."""
    digest = hashlib.sha256()
    for name, data in _tree_files(resources.files("jixiao")):
        digest.update(name.encode() + b"\0" + data)
    folder = Path(options.data) if options.data is not None else data_dir()
    if folder is not None and folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    chosen = {"review": options.review, "select": list(options.select) if options.select is not None else None,
              "ignore": list(options.ignore), "config": options.config, "score": options.score,
              "framework": options.framework, "form_rules": options.form_rules, "ocr": ocr.engine_name()}
    digest.update(dumps(chosen).encode())
    return f"{__version__}+{digest.hexdigest()[:16]}"


def _pack(value: dict[str, Any]) -> bytes:
    """JSON compressed with zlib (a record's JSON, mostly evidence text, shrinks about fivefold)."""
    return zlib.compress(dumps(value).encode("utf-8"), 6)


def _unpack(stored: bytes | str) -> dict[str, Any]:
    """A stored value: compressed (a BLOB) or, written by an earlier version, plain JSON text."""
    return json.loads(zlib.decompress(stored) if isinstance(stored, bytes) else stored)


class Cache:
    """The records of one cache file (created with its folder when missing)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None)  # autocommit: each put is durable
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def get(self, sha256: str, version: str) -> dict[str, Any] | None:
        """The record stored for this content and version, or None."""
        row = self._db.execute("SELECT record FROM records WHERE sha256 = ? AND version = ?",
                               (sha256, version)).fetchone()
        return _unpack(row[0]) if row else None

    def put(self, sha256: str, version: str, record: dict[str, Any]) -> None:
        """Store (or replace) a record; committed when this returns."""
        self._db.execute("INSERT OR REPLACE INTO records (sha256, version, record) VALUES (?, ?, ?)",
                         (sha256, version, _pack(record)))

    def get_page(self, sha256: str, version: str, page: int) -> dict[str, Any] | None:
        """The OCR of page ``page`` (from 0) of this content stored by an earlier task, or None."""
        row = self._db.execute("SELECT result FROM pages WHERE sha256 = ? AND version = ? AND page = ?",
                               (sha256, version, page)).fetchone()
        return _unpack(row[0]) if row else None

    def put_page(self, sha256: str, version: str, page: int, result: dict[str, Any]) -> None:
        """Store a page's OCR; committed when this returns."""
        self._db.execute("INSERT OR REPLACE INTO pages (sha256, version, page, result) VALUES (?, ?, ?, ?)",
                         (sha256, version, page, _pack(result)))

    def close(self) -> None:
        self._db.close()
