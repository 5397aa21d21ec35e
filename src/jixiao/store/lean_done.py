"""Loaded last in the fork server of the analysis children (after :mod:`jixiao.store.lean` and the pipeline): numpy
may be imported again, by the one step that needs it — OCR of a scanned page (:mod:`jixiao.ingest.ocr`) — in the child
that reads such a page; the libraries loaded before have already settled without it."""

from __future__ import annotations

import sys

if sys.modules.get("numpy", False) is None:
    del sys.modules["numpy"]
