"""Loading of the knowledge kept as data (src/jixiao/data/*.yaml): units, outline, facts, KPI packs."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load_yaml(name: str) -> Any:
    """Read a YAML file shipped in ``jixiao/data`` (cached; treat the result as read-only)."""
    text = resources.files("jixiao").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)
