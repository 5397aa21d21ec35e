"""Regions a reviewer may be limited to: a province, city or county name from the gazetteer (any name
in force since 2000), or a region already given to a stored unit. A mistyped name is refused with the
closest names as suggestions; a short form the gazetteer places with certainty is stored in full
(恩施州 → 恩施土家族苗族自治州), because reports carry the full names."""

from __future__ import annotations

import difflib
from functools import lru_cache
from importlib import resources

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from jixiao.extract.gazetteer import locate
from jixiao.store.errors import InvalidInput
from jixiao.store.models import Unit


@lru_cache(maxsize=1)
def division_names() -> frozenset[str]:
    """Every province, city and county name of the gazetteer's data (current and former)."""
    text = resources.files("jixiao").joinpath("data", "divisions.csv").read_text(encoding="utf-8")
    rows = [line.split(",") for line in text.splitlines() if line and not line.startswith("#")][1:]
    return frozenset(r[1] for r in rows if len(r) > 1 and r[1])


def _unit_regions(db: Session) -> set[str]:
    stmt = union(select(Unit.province), select(Unit.city), select(Unit.county))
    return {r for r in db.scalars(stmt) if r}


def check_region(db: Session, region: str | None) -> str | None:
    """The region to store (None for none), or ``InvalidInput`` naming close matches."""
    region = (region or "").strip()
    if not region:
        return None
    if region in division_names():
        return region
    where = locate(region)
    full = where.get("county") or where.get("city") or where.get("province")
    if full and full in division_names() and len(region) >= 2 and region[0] == full[0]:
        return full  # a short form placed with certainty
    known = _unit_regions(db)
    if region in known:
        return region
    near = difflib.get_close_matches(region, sorted(division_names() | known), n=3, cutoff=0.5)
    hint = f"，您是否要输入：{'、'.join(near)}" if near else ""
    raise InvalidInput(f"未知的地区：“{region}”（应为省、市或区县的全称，如“长沙市”“天心区”）{hint}")
