"""Loaded first in the fork server of the analysis children (:mod:`jixiao.store.sandbox`): the children never use
numpy, but libraries of the pipeline import it when it is installed (openpyxl, at import); numpy's math libraries
reserve hundreds of MB of address space, which the children's ``RLIMIT_AS`` would count against every analysis.
Marking numpy absent (``sys.modules["numpy"] = None``: an import of it raises ImportError, which those libraries
handle) keeps the children as small as without it. Only the fork server and its children are affected; the
workspace's own process (which draws the charts of the 汇总分析报告 with matplotlib) is not."""

from __future__ import annotations

import sys

for _name in ("numpy",):
    if _name not in sys.modules:
        sys.modules[_name] = None  # type: ignore[assignment]
