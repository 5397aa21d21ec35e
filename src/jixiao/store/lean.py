"""Loaded first in the fork server of the analysis children (:mod:`jixiao.store.sandbox`): libraries of the
pipeline import numpy when it is installed (openpyxl, at import), and numpy's math libraries reserve hundreds of MB
of address space, which the children's ``RLIMIT_AS`` would count against every analysis. numpy is marked absent
(``sys.modules["numpy"] = None``: importing it raises ImportError, which those libraries handle) while the pipeline
is loaded, and allowed again after (:mod:`jixiao.store.lean_done`) for the one step that needs it, OCR. So a child
starts at the size it had without numpy. The workspace's own process (which draws charts) is not affected."""

from __future__ import annotations

import sys

for _name in ("numpy",):
    if _name not in sys.modules:
        sys.modules[_name] = None  # type: ignore[assignment]
