"""The review configuration: thresholds and options of the rules (data/review.yaml), optionally
overridden by the user's file (``jixiao check --config FILE``), validated by the same schema."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from jixiao.errors import JixiaoError
from jixiao.lexicon import data_cache, load_yaml, validate_text
from jixiao.lexicon.schema import ReviewFile


def load_config(path: str | Path | None = None) -> dict[str, Any]:
    """Defaults from data/review.yaml, deep-merged with the user's file (validated by the same
    schema: an unknown key or a wrong type is a :class:`~jixiao.errors.DataError` naming its line)."""
    config = copy.deepcopy(load_yaml("review.yaml"))
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as err:
            raise JixiaoError(f"{path}：无法读取审核配置（{err.strerror or err}）") from None
        user = validate_text(ReviewFile, text, str(path), empty_ok=True)
        _merge(config, user.model_dump(exclude_unset=True))
    return config


@data_cache
def default_config() -> dict[str, Any]:
    """The shipped configuration (with the user's data folder), shared by every review that has no
    configuration file of its own: read it, never change it (:func:`load_config` gives a copy to change)."""
    return load_config()


def _merge(base: dict, extra: dict) -> None:
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            _merge(base[k], v)
        else:
            base[k] = v
