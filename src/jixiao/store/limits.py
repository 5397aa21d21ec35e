"""The limits of one analysis in the workspace, with their defaults (docs/queue.md).

Each is an environment variable read when the queue starts (``AnalysisLimits.from_env()``); the ZIP
limits are read by :mod:`jixiao.ingest.zipguard` in the analysing process itself.

=============================  =======  ==================================================
variable                       default  what
=============================  =======  ==================================================
``JIXIAO_ANALYSIS_CPU_S``      120      CPU seconds of one analysis (RLIMIT_CPU of the child)
``JIXIAO_ANALYSIS_TIMEOUT_S``  300      wall-clock seconds before the child is stopped
``JIXIAO_ANALYSIS_MEMORY_MB``  2048     address space of the analysing child (RLIMIT_AS)
``JIXIAO_MAX_TEXT_CHARS``      2000000  characters of the normalised text
``JIXIAO_MAX_LINES``           60000    lines (paragraphs and table rows) of the text
``JIXIAO_MAX_UNZIPPED_MB``     200      bytes really inflated from a .docx/.xlsx
``JIXIAO_MAX_PARAGRAPHS``      50000    paragraphs of a Word body, counted while inflating
``JIXIAO_MAX_REQUEST_MB``      100      body of one HTTP request (checked before reading)
=============================  =======  ==================================================
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass


def _number(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


@dataclass(frozen=True)
class AnalysisLimits:
    """What one analysis may use; picklable, passed to the analysing child."""

    cpu_seconds: int = 120
    timeout_seconds: float = 300.0
    memory_mb: int = 2048
    max_text_chars: int = 2_000_000
    max_lines: int = 60_000

    @classmethod
    def from_env(cls) -> AnalysisLimits:
        """The limits from the environment (defaults where unset or invalid)."""
        d = cls()
        return cls(cpu_seconds=int(_number("JIXIAO_ANALYSIS_CPU_S", d.cpu_seconds)),
                   timeout_seconds=_number("JIXIAO_ANALYSIS_TIMEOUT_S", d.timeout_seconds),
                   memory_mb=int(_number("JIXIAO_ANALYSIS_MEMORY_MB", d.memory_mb)),
                   max_text_chars=int(_number("JIXIAO_MAX_TEXT_CHARS", d.max_text_chars)),
                   max_lines=int(_number("JIXIAO_MAX_LINES", d.max_lines)))

    def to_dict(self) -> dict:
        """As a dict (for logs and the benchmark)."""
        return asdict(self)
