"""Whether two names of units name the same unit, and the places a unit name says it is in.

Spaces, width variants, a 中共/中国共产党 prefix, 本级/机关本级/（本级） and seal marks at the end do not
change who a unit is; nor do the place names in front, in full or short form (长阳县 = 长阳土家族自治县,
through the gazetteer). Where both names give a place of the same level, the places must agree.
Used by the workspace's filing check (``store.filing``) and by review (``unit-name-mismatch``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from jixiao.extract.gazetteer import expand_name, locate

LEVELS = (("province", "省"), ("city", "市"), ("county", "区县"))

_PREFIX = re.compile(r"^(?:中国共产党|中共)")
_SUFFIX = re.compile(r"(?:[（(](?:本级|机关本级|机关|本部|本局|盖章|公章|单位盖章|预算单位盖章)[)）]|机关本级|本级)$")
_PLACE_SUFFIX = re.compile(r"(?:土家族苗族自治州|自治州|自治县|自治旗|自治区|特别行政区|地区|省|市|州|盟|县|区|旗)$")


def normalise_name(name: str | None) -> str:
    """A unit name without what does not change who it is: width variants, spaces, a 中共 prefix,
    本级/机关本级/（本级）and seal marks at the end."""
    s = unicodedata.normalize("NFKC", name or "")
    s = re.sub(r"[\s\u3000]+", "", s)
    s = s.replace("(", "（").replace(")", "）")
    for _ in range(3):
        before = s
        s = _PREFIX.sub("", s)
        s = _SUFFIX.sub("", s.replace("（", "(").replace("）", ")"))
        if s == before:
            break
    return s.replace("(", "（").replace(")", "）")


def place_stem(place: str) -> str:
    """A place name without its level word (示例市 → 示例, 恩施土家族苗族自治州 → 恩施)."""
    s = _PLACE_SUFFIX.sub("", place)
    return s if len(s) >= 2 else place


def places_of(name: str, stated: Mapping[str, Any], year: int | None) -> dict[str, str]:
    """The places one side names: its stated fields first, then what the gazetteer reads in its name."""
    out = {level: str(stated[level]) for level, _ in LEVELS if stated.get(level)}
    try:
        found = locate(name, year) if name else {}
    except Exception:  # noqa: BLE001 - the gazetteer must never stop a filing check
        found = {}
    for level, _ in LEVELS:
        if found.get(level) and level not in out:
            out[level] = found[level]
    return out


def strip_places(name: str, places: Iterable[str]) -> str:
    """``name`` without the place names in front (full or short forms, in any order)."""
    forms = sorted({f for p in places for f in (p, place_stem(p)) if f}, key=len, reverse=True)
    s = name
    changed = True
    while changed and s:
        changed = False
        s2 = _PREFIX.sub("", s)
        for f in forms:
            if s2.startswith(f) and len(s2) > len(f):
                s, changed = s2[len(f):], True
                break
    return _PREFIX.sub("", s)


def _depth(places: Mapping[str, str]) -> int:
    """How deep the places go: 0 a province, 1 a city, 2 a county."""
    return max(i for i, (level, _) in enumerate(LEVELS) if level in places)


def _same_place(a: str, b: str) -> bool:
    return a == b or place_stem(a) == place_stem(b)


@dataclass(frozen=True)
class NameMatch:
    """Whether two unit names name the same unit; ``conflict`` names the level that differs."""

    same: bool
    conflict: str | None = None


def same_unit(stated_name: str, stated_places: Mapping[str, Any], unit_name: str,
              unit_places: Mapping[str, Any], year: int | None = None) -> NameMatch:
    """Do a report's unit (name and places) and a registered unit name the same unit?"""
    a = normalise_name(expand_name(normalise_name(stated_name), year))
    b = normalise_name(expand_name(normalise_name(unit_name), year))
    pa, pb = places_of(a, stated_places, year), places_of(b, unit_places, year)
    for level, _ in LEVELS:
        if level in pa and level in pb and not _same_place(pa[level], pb[level]):
            return NameMatch(False, level)
    if a == b:
        return NameMatch(True)
    if pa and pb and _depth(pa) != _depth(pb):
        return NameMatch(False)  # a city's bureau (益阳市司法局) is not a county's (益阳市赫山区司法局)
    known = [*pa.values(), *pb.values()]
    core_a, core_b = strip_places(a, known), strip_places(b, known)
    # the same unit when what is left after the places (司法局) is the same: the places themselves
    # were compared above, level by level, where both sides name one
    return NameMatch(core_a == core_b)


def named_alike(a: str, b: str, year: int | None = None) -> bool:
    """Whether two names a document gives itself name the same unit, allowing the short forms a
    document uses for itself (镇政府 / 镇人民政府, 县政协办 / 政协…县委员会办公室, 卫健委 / 卫生健康委员会):
    what is left of the shorter name after its places is written with characters of the longer.
    Names of other places (康定市 / 泸定县) or of another level (a city's bureau / a county's) differ."""
    a, b = normalise_name(a), normalise_name(b)
    if a == b or a.endswith(b) or b.endswith(a):
        return True
    match = same_unit(a, {}, b, {}, year)
    if match.same or match.conflict:
        return match.same
    pa, pb = places_of(a, {}, year), places_of(b, {}, year)
    if pa and pb and _depth(pa) != _depth(pb):
        return False
    short, long = sorted((a, b), key=len)
    if city_body_of(short, long):
        return False
    core = strip_places(short, [*pa.values(), *pb.values()])
    return not Counter(core) - Counter(long)


# a name's leading places as written, for places the gazetteer does not know (newer or invented)
_LEAD = re.compile(r"^(?:[\u4e00-\u9fff]{2,3}(?:省|自治区))?(?P<city>[\u4e00-\u9fff]{2,10}?(?:自治州|市|州|盟|地区))"
                   r"(?P<county>[\u4e00-\u9fff]{2,8}?(?:自治县|县|区|旗))?")


def city_body_of(short: str, long: str) -> bool:
    """Whether ``short`` is the body of a city (沂泉市档案馆) and ``long`` one of a county of that city
    (沂泉市栖凤县档案馆), from the places as written: another unit, one level up."""
    s, lg = _LEAD.match(short), _LEAD.match(long)
    return bool(s and lg and s.group("city") == lg.group("city") and lg.group("county") and not s.group("county")
                and len(short) - s.end() >= 2)
