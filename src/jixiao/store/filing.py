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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from jixiao.extract.unitnames import LEVELS, places_of, same_unit

RULE = "filing-mismatch"  # the finding's rule id (a workspace finding, not a review rule of jixiao check)
CODE = "W001"
TITLE = "归属不符"
SEVERITY = "error"
STATES = {"ok": "归属相符", "unchecked": "未能核对", "mismatch": "归属不符", "confirmed": "已确认归属"}



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
                stated_place = places_of(stated_name, stated_places, year).get(match.conflict)
                unit_place = places_of(unit.name, unit_places, year).get(match.conflict)
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
