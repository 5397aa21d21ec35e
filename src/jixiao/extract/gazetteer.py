"""Administrative divisions: find the province, city and county a unit name belongs to.

Data (all shipped, nothing fetched at run time; regenerate with ``tools/make_gazetteer.py``):

* ``data/divisions.csv``: provinces, cities and counties with every name each had since 2000 and the
  years it was in force, so an old report's names (宁乡县, 襄樊市) still place.
* ``data/towns.csv``: the townships (镇/乡/街道/苏木) of each county, read only when a unit name
  holds one of those words.
* ``data/gazetteer.yaml``: nationalities (to derive the short forms of autonomous areas: 恩施州,
  长阳县), short forms that cannot be derived (博州), names that are also ordinary words (城区).

A unit name is read as a chain of mentions (province, city, county, township). Each mention has
candidates; the candidates that agree with the mentions above them are kept, and a field is given
only when every remaining candidate agrees on it. A mention that agrees with nothing above it is
dropped (长沙市矿区… names no 矿区), so an ambiguous or contradicted name leaves the field None
instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from jixiao.extract.lexicon import load_yaml

LEVELS = ("province", "city", "county")
MUNICIPALITIES = frozenset({"110000", "120000", "310000", "500000"})
TOWN_WORDS = re.compile(r"镇|乡|街道|苏木")
_TOWN_SUFFIX = re.compile(r"(镇|乡|苏木)$")
_AUTONOMOUS = re.compile(r"自治(州|县|旗|区)$")
CURRENT_TOWNS_FROM = 2022
# Without a report year, a name that ended in the last RECENT_YEARS years of the data still counts
# beside the name in force now (重庆市江北区, merged in 2025, against 宁波市江北区).
RECENT_YEARS = 2  # towns.csv "current" is the status of 2025; "older" that of about 2021


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # province | city | county
    parent: str  # code of the province or city above; "" for a province
    start: int | None = None  # first year in force; None = 2000 or before
    end: int | None = None  # last year in force; None = still in force

    def distance(self, year: int) -> int | None:
        """0 when in force in ``year``; years since it ended; 1 when it began the next year (the
        code books are read at different times of the year); None when it began later still."""
        if self.start is not None and year < self.start:
            return 1 if self.start - year == 1 else None
        if self.end is not None and year > self.end:
            return year - self.end
        return 0


@dataclass(frozen=True)
class _Entry:
    division: Division
    short: bool  # the name is a short form (恩施州 for 恩施土家族苗族自治州)


Chain = tuple[str | None, str | None, str | None]  # province, city, county codes


@dataclass
class _Mention:
    start: int
    end: int
    level: str  # province | city | county | town
    chains: dict[Chain, _Entry | None]
    generic: bool = False  # a name that is also an ordinary word: needs a parent named


@dataclass(frozen=True)
class _Data:
    by_code: dict[str, list[Division]]
    by_name: dict[str, list[_Entry]]
    longest: int
    need_parent: frozenset[str]
    latest: int  # the latest year of the data
    predecessors: dict[str, list[str]]  # code → the codes the same division had before (宁乡市 ← 宁乡县)


def _csv(name: str, columns: int) -> list[list[str]]:
    """The rows of a data file below its comment lines and header. The files hold no quoted
    fields (tools/make_gazetteer.py), so a plain split reads them, faster than the csv module."""
    text = resources.files("jixiao").joinpath("data", name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    rows = [line.split(",") for line in lines[1:]]
    if any(len(r) != columns for r in rows):
        raise ValueError(f"{name}: every row must have {columns} fields")
    return rows


@lru_cache(maxsize=1)
def _data() -> _Data:
    rules = load_yaml("gazetteer.yaml")
    by_code: dict[str, list[Division]] = {}
    by_name: dict[str, list[_Entry]] = {}
    predecessors: dict[str, list[str]] = {}
    for code, name, level, parent, start, end, successor in _csv("divisions.csv", 7):
        d = Division(code, name, level, parent, int(start) if start else None, int(end) if end else None)
        if successor:
            predecessors.setdefault(successor, []).append(code)
        by_code.setdefault(d.code, []).append(d)
        by_name.setdefault(d.name, []).append(_Entry(d, False))
    nationalities = _nationality_pattern(rules["nationalities"])
    for versions in by_code.values():
        for d in versions:
            for short in _short_forms(d.name, nationalities):
                _add_short(by_name, short, d)
    for short, full in rules["aliases"].items():
        for e in list(by_name.get(full, ())):
            if not e.short:
                _add_short(by_name, short, e.division)
    latest = max(d.start or 0 for versions in by_code.values() for d in versions)
    return _Data(by_code, by_name, max(map(len, by_name)), frozenset(rules["need_parent"]), latest,
                 predecessors)


def _add_short(by_name: dict[str, list[_Entry]], short: str, d: Division) -> None:
    entries = by_name.setdefault(short, [])
    if not any(e.division == d for e in entries):
        entries.append(_Entry(d, True))


def _nationality_pattern(names: list[str]) -> re.Pattern[str]:
    """A nationality at the end of a name: 族 is optional after names of two characters or more."""
    long = sorted((n for n in names if len(n) > 1), key=len, reverse=True)
    short = [n for n in names if len(n) == 1]
    return re.compile(r"(?:各族|(?:" + "|".join(long) + r")族?|[" + "".join(short) + r"]族)$")


def _strip_nationalities(base: str, pattern: re.Pattern[str]) -> str:
    while True:
        m = pattern.search(base)
        if not m or m.start() < 2:
            return base
        base = base[: m.start()]


def _short_forms(name: str, pattern: re.Pattern[str]) -> list[str]:
    """恩施土家族苗族自治州 → 恩施州, 恩施自治州; 长阳土家族自治县 → 长阳县, 长阳自治县;
    广西壮族自治区 → 广西自治区."""
    m = _AUTONOMOUS.search(name)
    if not m:
        return []
    base = _strip_nationalities(name[: m.start()], pattern)
    if base == name[: m.start()]:
        return []
    kind = m.group(1)
    return [base + "自治" + kind] + ([] if kind == "区" else [base + kind])


@dataclass(frozen=True)
class _Towns:
    by_name: dict[str, list[tuple[str, bool]]]  # name → (county or city code, in the current list)
    longest: int
    lead: tuple[str, ...]
    not_before: frozenset[str]


@lru_cache(maxsize=1)
def _towns() -> _Towns:
    rules = load_yaml("gazetteer.yaml")
    pattern = _nationality_pattern(rules["nationalities"])
    by_name: dict[str, list[tuple[str, bool]]] = {}

    def add(name: str, code: str, current: bool) -> None:
        entries = by_name.setdefault(name, [])
        if (code, current) not in entries:
            entries.append((code, current))

    for code, *lists in _csv("towns.csv", 3):
        for names, current in zip(lists, (True, False), strict=True):
            for name in names.split():
                add(name, code, current)
                if "族" in name and (m := _TOWN_SUFFIX.search(name)):  # 东固畲族乡 → 东固乡
                    base = _strip_nationalities(name[: m.start()], pattern)
                    if base != name[: m.start()]:
                        add(base + m.group(1), code, current)
    return _Towns(by_name, max(map(len, by_name)), tuple(rules["town_lead"]), frozenset(rules["town_not_before"]))


def _pick(entries: list[_Entry], year: int | None) -> list[_Entry]:
    """The entries of a name in force in ``year``; without a year, those in force now, else the
    latest. Failing that, the nearest in time (an old name still used), or the division under the
    name it had then."""
    if not entries:
        return []
    if year is None:
        recent = _data().latest - RECENT_YEARS
        now = [e for e in entries if e.division.end is None or e.division.end >= recent]
        if now:
            return now
        last = max(e.division.end or 0 for e in entries)
        return [e for e in entries if e.division.end == last]
    dist = [(e.division.distance(year), e) for e in entries]
    near = [d for d, _ in dist if d is not None]
    if not near:
        # a later name of a division that was there under another name (宁乡市 for 宁乡县 in 2015)
        earlier = [_in_force(e.division.code, year) for e in entries]
        return [_Entry(d, e.short) for d, e in zip(earlier, entries, strict=True) if d]
    best = min(near)
    return [e for d, e in dist if d == best]


def _in_force(code: str, year: int, depth: int = 0) -> Division | None:
    """The version of ``code``, or of a code the same division had before, in force in ``year``."""
    data = _data()
    for d in data.by_code.get(code, ()):
        if d.distance(year) == 0:
            return d
    if depth < 4:
        for old in data.predecessors.get(code, ()):
            found = _in_force(old, year, depth + 1)
            if found:
                return found
    return None


def _version(code: str, year: int | None) -> Division | None:
    """The division a code stands for in ``year`` (None = now), under the name and code of then:
    a township of 宁乡市 (430182) in 2015 is in 宁乡县 (430124)."""
    versions = _data().by_code.get(code)
    if not versions:
        return None
    if year is None:
        now = [d for d in versions if d.end is None]
        return now[0] if now else max(versions, key=lambda d: d.end or 0)
    exact = _in_force(code, year)
    if exact:
        return exact
    dist = [(d.distance(year), d) for d in versions]
    near = [(x, d) for x, d in dist if x is not None]
    if near:
        return min(near, key=lambda p: p[0])[1]
    return min(versions, key=lambda d: d.start or 0)


def _chain(code: str, year: int | None) -> Chain | None:
    d = _version(code, year)
    if d is None:
        return None
    if d.level == "province":
        return (d.code, None, None)
    parent = _version(d.parent, year)
    if parent is None:
        return None
    if d.level == "city":
        return (parent.code, d.code, None)
    if parent.level == "province":
        return (parent.code, None, d.code)
    return (parent.parent, parent.code, d.code)


def _year_of(entry: _Entry, year: int | None) -> int | None:
    """The year whose names to use for a candidate: the report's, or for a name no longer in
    force, the last year it was."""
    if year is not None:
        return year
    return entry.division.end


def _division_at(name: str, i: int, year: int | None) -> tuple[int, list[_Entry]]:
    data = _data()
    for length in range(min(data.longest, len(name) - i), 1, -1):
        entries = data.by_name.get(name[i : i + length])
        if entries:
            picked = _pick(entries, year)
            if picked:
                return length, picked
    return 0, []


def _town_at(name: str, i: int, towns: _Towns) -> tuple[int, list[tuple[str, bool]]]:
    for length in range(min(towns.longest, len(name) - i), 1, -1):
        cands = towns.by_name.get(name[i : i + length])
        if cands and name[i + length - 1 : i + length + 1] not in towns.not_before:
            return length, cands
    return 0, []


def _mentions(name: str, year: int | None) -> list[_Mention]:
    data = _data()
    towns = _towns() if TOWN_WORDS.search(name) else None
    found: list[_Mention] = []
    boundary = {0}
    if towns:
        for lead in towns.lead:
            if name.startswith(lead):
                boundary.add(len(lead))
    i = 0
    while i < len(name):
        length, entries = _division_at(name, i, year)
        tlen, tcands = _town_at(name, i, towns) if towns and i in boundary else (0, [])
        if tlen > length:
            if year is None or year >= CURRENT_TOWNS_FROM:
                tcands = [c for c in tcands if c[1]] or tcands
            chains: dict[Chain, _Entry | None] = {}
            for code, _ in tcands:
                ch = _chain(code, year)
                if ch:
                    chains[ch] = None
            found.append(_Mention(i, i + tlen, "town", chains))
            i += tlen
            boundary.add(i)
            continue
        if length and _inside_unknown(name[max(b for b in boundary if b <= i):i]):
            length = 0  # the tail of a longer name not in the data ("澄沙县" holds 沙县, "沂泉市栖凤县" 凤县)
        if length:
            chains = {}
            for e in entries:
                ch = _chain(e.division.code, _year_of(e, year))
                if ch:
                    chains.setdefault(ch, e)
            level = entries[0].division.level
            generic = name[i : i + length] in data.need_parent
            found.append(_Mention(i, i + length, level, chains, generic))
            i += length
            boundary.add(i)
            continue
        i += 1
    return found


_DIVISION_END = "省市县区州旗盟"


def _inside_unknown(run: str) -> bool:
    """Whether a division found after ``run`` (the characters since the last division read) is the tail of a
    longer name: one unknown character before it ("澄沙县"), or one or two after an unknown division's own
    ending ("沂泉市栖凤县": 栖凤县, not 凤县). A longer run is a word of its own ("中共长沙市委")."""
    if not run or not "\u4e00" <= run[-1] <= "\u9fff":
        return False
    cut = max(run.rfind(c) for c in _DIVISION_END)
    tail = run[cut + 1:]
    return len(tail) == 1 or (cut >= 1 and 0 < len(tail) <= 2 and all("\u4e00" <= c <= "\u9fff" for c in tail))


def _extends(chain: Chain, base: Chain) -> bool:
    return all(b is None or b == c for b, c in zip(base, chain, strict=True))


def _resolve(mentions: list[_Mention]) -> set[Chain] | None:
    """The candidate chains that agree with every mention that agrees with those above it."""
    survivors: set[Chain] | None = None
    for level in ("province", "city", "county", "town"):
        at = [m for m in mentions if m.level == level]
        if survivors is None:
            at = [m for m in at if not m.generic]
        cands = {ch for m in at for ch in m.chains}
        if survivors is not None:
            cands = {ch for ch in cands if any(_extends(ch, s) for s in survivors)}
        if cands:
            survivors = cands
    return survivors


def _resolved(unit_name: str, year: int | None) -> tuple[list[_Mention], set[Chain] | None, int | None]:
    mentions = _mentions(unit_name, year)
    survivors = _resolve(mentions)
    if year is None and survivors:
        # a name no longer in force (襄樊市, 莱芜市) dates the report: read the name again as of
        # the last year that name was in force, so its other divisions take their names of then
        ends = [e.division.end for m in mentions for ch, e in m.chains.items()
                if e is not None and e.division.end is not None and any(_extends(s, ch) for s in survivors)]
        if ends:
            year = max(ends)
            mentions = _mentions(unit_name, year)
            survivors = _resolve(mentions)
    return mentions, survivors, year


def _agreed(survivors: set[Chain], index: int) -> str | None:
    codes = {ch[index] for ch in survivors}
    return codes.pop() if len(codes) == 1 else None


def _name_of(code: str | None, year: int | None) -> str | None:
    if code is None:
        return None
    d = _version(code, year)
    return d.name if d else None


@lru_cache(maxsize=4096)
def _locate(unit_name: str, year: int | None) -> tuple[str | None, str | None, str | None] | None:
    _, survivors, year = _resolved(unit_name, year)
    if not survivors:
        return None
    province, city, county = (_agreed(survivors, i) for i in range(3))
    if city is None and province in MUNICIPALITIES:
        city = province  # 直辖市: the municipality is both province and city
    return _name_of(province, year), _name_of(city, year), _name_of(county, year)


def locate(unit_name: str, year: int | None = None) -> dict[str, str | None]:
    """{"province", "city", "county"} for a unit name such as 长沙市天心区司法局, with full official
    names in force in ``year`` (the report's fiscal year; None = now, or the time of an old name
    the unit name uses). {} when the name holds no division; a field is None when the name leaves
    it open (a city-level unit has no county) or ambiguous (朝阳区 alone: Beijing or Changchun)."""
    found = _locate(unit_name, year)
    if found is None:
        return {}
    return dict(zip(LEVELS, found, strict=True))


def is_county_name(name: str) -> bool:
    """Whether some county-level division, of any year, is called ``name`` (full or short form)."""
    return any(e.division.level == "county" for e in _data().by_name.get(name, []))


def parent_city_of(county_name: str, year: int | None = None) -> str | None:
    """The city a county-level name (full or short form) belongs to, when the name is unambiguous;
    None for a county directly under a province or municipality."""
    entries = [e for e in _pick(_data().by_name.get(county_name, []), year) if e.division.level == "county"]
    codes = {e.division.code for e in entries}
    if len(codes) != 1:
        return None
    d = entries[0].division
    parent = _version(d.parent, _year_of(entries[0], year))
    return parent.name if parent and parent.level == "city" else None


def expand_name(unit_name: str, year: int | None = None) -> str:
    """The unit name with short forms of autonomous areas written in full, where the place is
    certain: 恩施州民政局 → 恩施土家族苗族自治州民政局, 长阳县教育局 → 长阳土家族自治县教育局. Other
    names, and short forms that could mean more than one place, are left as written."""
    mentions, survivors, name_year = _resolved(unit_name, year)
    if not survivors:
        return unit_name
    out = unit_name
    for m in sorted(mentions, key=lambda m: m.start, reverse=True):
        if m.level == "town":
            continue
        index = LEVELS.index(m.level)
        code = _agreed(survivors, index)
        entries = [e for ch, e in m.chains.items() if e is not None and ch[index] == code]
        if code is None or not entries or not all(e.short for e in entries):
            continue
        full = _name_of(code, name_year)
        if full:
            out = out[: m.start] + full + out[m.end :]
    return out
