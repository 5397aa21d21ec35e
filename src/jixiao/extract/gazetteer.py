"""Administrative divisions (county level and above) from ``data/divisions.csv``: find the
province, city and county a unit name belongs to."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # province | city | county
    parent: str


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, Division], dict[str, list[Division]]]:
    by_code: dict[str, Division] = {}
    by_name: dict[str, list[Division]] = {}
    text = resources.files("jixiao").joinpath("data", "divisions.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    for r in rows:
        d = Division(r["code"], r["name"], r["level"], r["parent"])
        by_code[d.code] = d
        by_name.setdefault(d.name, []).append(d)
    return by_code, by_name


def _names_in(name: str) -> list[Division]:
    """Divisions whose full name occurs in ``name``, left to right, longest first."""
    _, by_name = _table()
    found: list[Division] = []
    i = 0
    while i < len(name):
        for length in range(min(12, len(name) - i), 1, -1):
            cands = by_name.get(name[i : i + length])
            if cands:
                found.extend(cands)
                i += length
                break
        else:
            i += 1
    return found


def locate(unit_name: str) -> dict[str, str | None]:
    """{"province", "city", "county"} for a unit name such as 长沙市天心区司法局.

    A county name shared by several divisions is resolved by the city named with it, and left
    unresolved otherwise. County is None for a city- or province-level unit.
    """
    by_code, _ = _table()
    found = _names_in(unit_name)
    if not found:
        return {}
    codes = {d.code for d in found}
    counties = [d for d in found if d.level == "county"]
    cities = [d for d in found if d.level == "city"]
    provinces = [d for d in found if d.level == "province"]
    county = city = province = None
    if counties:
        if len(counties) > 1:
            counties = [d for d in counties if d.parent in codes] or counties
        if len({d.code for d in counties}) == 1:
            county = counties[0]
    if county:
        parent = by_code.get(county.parent)
        if parent and parent.level == "city":
            city = parent
            province = by_code.get(parent.parent)
        elif parent:
            province = parent
    elif cities:
        if len(cities) > 1:
            cities = [d for d in cities if d.parent in codes] or cities
        if len({d.code for d in cities}) == 1:
            city = cities[0]
            province = by_code.get(city.parent)
    elif provinces:
        province = provinces[0]
    if province and city is None and province.name.endswith("市"):
        city = province  # 直辖市: the municipality is both
    return {
        "province": province.name if province else None,
        "city": city.name if city else None,
        "county": county.name if county else None,
    }


def parent_city_of(county_name: str) -> str | None:
    """The city a county-level name belongs to, when the name is unambiguous."""
    by_code, by_name = _table()
    cands = [d for d in by_name.get(county_name, []) if d.level == "county"]
    if len(cands) != 1:
        return None
    parent = by_code.get(cands[0].parent)
    return parent.name if parent and parent.level == "city" else None
