"""Filing by content (归属核对): does a report say it is the uploader's unit's report for the task?

``check_filing`` compares what an analysed report states — its unit name, its province/city/county and
its fiscal year (with the evidence spans it read them from) — with the unit it is filed under (the
uploader's unit: name and region) and the task (its year and its units). It is a pure function: no
database, the same result for the same inputs; ``store.reports`` calls it once, where the analysis
result (or a correction) is stored, and keeps the outcome on the report.

Names are compared tolerantly: spaces, 本级/机关本级/（本级）, seal marks, a 中共/中国共产党 prefix and the
place names in front (示例市示范区司法局 = 示范区司法局, 长阳县 = 长阳土家族自治县 through the gazetteer)
do not make a difference; the remaining part (司法局) must be the same, and the places both sides name
must agree. A report that does not state its unit or its year is "未能核对" on that point, never a
mismatch: it is counted as before, under the uploader's unit and the task.

Outcome (``FilingCheck.state``): ``ok`` 归属相符, ``unchecked`` 未能核对 (nothing contradicts, something
could not be read), ``mismatch`` 归属不符 (``issues`` say why, in Chinese). A ``mismatch`` report is not
counted as the unit's submission until a reviewer confirms the filing (``confirmed``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from jixiao.extract.gazetteer import expand_name, locate

RULE = "filing-mismatch"  # the finding's rule id (a workspace finding, not a review rule of jixiao check)
CODE = "W001"
TITLE = "归属不符"
SEVERITY = "error"
STATES = {"ok": "归属相符", "unchecked": "未能核对", "mismatch": "归属不符", "confirmed": "已确认归属"}
LEVELS = (("province", "省"), ("city", "市"), ("county", "区县"))

_PREFIX = re.compile(r"^(?:中国共产党|中共)")
_SUFFIX = re.compile(r"(?:[（(](?:本级|机关本级|机关|本部|本局|盖章|公章|单位盖章|预算单位盖章)[)）]|机关本级|本级)$")
_PLACE_SUFFIX = re.compile(r"(?:土家族苗族自治州|自治州|自治县|自治旗|自治区|特别行政区|地区|省|市|州|盟|县|区|旗)$")


class UnitLike(Protocol):
    name: str
    province: str | None
    city: str | None
    county: str | None


class TaskLike(Protocol):
    year: int
    title: str


@dataclass(frozen=True)
class FilingIssue:
    """One disagreement: ``kind`` is ``unit``, ``region``, ``year`` or ``task``; ``message`` says it
    in Chinese; ``stated`` is what the report says (``field``: the fact it was read from, for its
    evidence), ``expected`` what it was compared with."""

    kind: str
    message: str
    field: str
    stated: Any
    expected: Any
    compared_with: str


@dataclass
class FilingCheck:
    """The outcome of :func:`check_filing`."""

    state: str
    issues: list[FilingIssue] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)  # what could not be checked, and why

    def to_json(self) -> dict[str, Any]:
        """JSON-ready (kept on the report)."""
        return {"state": self.state, "issues": [issue.__dict__ for issue in self.issues],
                "unchecked": list(self.unchecked)}


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


def _places(name: str, stated: Mapping[str, Any], year: int | None) -> dict[str, str]:
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


def _strip_places(name: str, places: Iterable[str]) -> str:
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
    pa, pb = _places(a, stated_places, year), _places(b, unit_places, year)
    for level, _ in LEVELS:
        if level in pa and level in pb and not _same_place(pa[level], pb[level]):
            return NameMatch(False, level)
    if a == b:
        return NameMatch(True)
    if pa and pb and _depth(pa) != _depth(pb):
        return NameMatch(False)  # a city's bureau (益阳市司法局) is not a county's (益阳市赫山区司法局)
    known = [*pa.values(), *pb.values()]
    core_a, core_b = _strip_places(a, known), _strip_places(b, known)
    # the same unit when what is left after the places (司法局) is the same: the places themselves
    # were compared above, level by level, where both sides name one
    return NameMatch(core_a == core_b)


def check_filing(facts: Mapping[str, Any], unit: UnitLike | None, task: TaskLike | None, *,
                 task_units: Iterable[UnitLike] = ()) -> FilingCheck:
    """Compare what a report states (``facts``: its effective ``unit_name``, ``province``, ``city``,
    ``county``, ``fiscal_year``) with the unit it is filed under (``unit``, None when the uploader
    has no unit and the report is filed under the unit it names) and the task (``task``, with its
    units ``task_units``; None when uploaded without a task)."""
    issues: list[FilingIssue] = []
    unchecked: list[str] = []
    stated_name = str(facts.get("unit_name") or "").strip()
    year = _year(facts.get("fiscal_year"))
    stated_places = {level: facts.get(level) for level, _ in LEVELS}

    if unit is not None:
        if not stated_name:
            unchecked.append("报告中未写明单位名称，未能核对单位")
        else:
            unit_places = {level: getattr(unit, level) for level, _ in LEVELS}
            match = same_unit(stated_name, stated_places, unit.name, unit_places, year)
            if not match.same and match.conflict is None:
                issues.append(FilingIssue(
                    "unit", f"报告单位为“{stated_name}”，与上传单位“{unit.name}”不符", "unit_name",
                    stated_name, unit.name, f"上传单位“{unit.name}”"))
            elif not match.same:
                level_cn = dict(LEVELS)[match.conflict]
                stated_place = _places(stated_name, stated_places, year).get(match.conflict)
                unit_place = _places(unit.name, unit_places, year).get(match.conflict)
                issues.append(FilingIssue(
                    "region", f"报告单位为“{stated_name}”，与上传单位“{unit.name}”不符"
                              f"（所在{level_cn}：报告为{stated_place}，上传单位为{unit_place}）",
                    match.conflict if facts.get(match.conflict) else "unit_name", stated_place, unit_place,
                    f"上传单位“{unit.name}”"))
    members = list(task_units)
    if task is not None:
        label = f"任务《{task.title}》（{task.year}年度）"
        if year is None:
            unchecked.append(f"报告中未写明年度，未能核对是否属于{label}")
        elif year != task.year:
            issues.append(FilingIssue("year", f"报告年度为{year}年度，与{label}不符", "fiscal_year", year,
                                      task.year, label))
        if unit is None and stated_name and members and not any(
                same_unit(stated_name, stated_places, m.name,
                          {level: getattr(m, level) for level, _ in LEVELS}, year).same for m in members):
            issues.append(FilingIssue("task", f"报告单位“{stated_name}”不在{label}的单位中", "unit_name",
                                      stated_name, "、".join(m.name for m in members[:5]), label))
    if issues:
        return FilingCheck("mismatch", issues, unchecked)
    return FilingCheck("unchecked" if unchecked else "ok", [], unchecked)


def _year(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and 1990 <= value <= 2200 and value == int(value):
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return _year(int(value.strip()))
    return None


def findings(check: FilingCheck, evidence: Mapping[str, list], *, confirmed_by: str | None = None) -> list[dict]:
    """The ``filing-mismatch`` findings of a check, shaped like the review's findings, with the
    evidence spans the report's name or year was read from. Once a reviewer confirmed the filing they
    stay, as information (``info``), saying who confirmed it."""
    out = []
    for issue in check.issues:
        spans = list(evidence.get(issue.field) or [])
        if not spans and issue.field != "unit_name":
            spans = list(evidence.get("unit_name") or [])
        message = issue.message + "。"
        if confirmed_by:
            message += f"已由{confirmed_by}确认归属。"
        else:
            message += "审核人员确认归属或单位更正之前，不计入该单位的报送。"
        out.append({"rule": RULE, "severity": "info" if confirmed_by else SEVERITY, "message": message,
                    "values": {"kind": issue.kind, "stated": issue.stated, "expected": issue.expected,
                               "compared_with": issue.compared_with},
                    "evidence": spans[:3]})
    return out
