"""unit-name-mismatch: the unit names itself differently in two places, beyond short forms."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from jixiao.extract.unitnames import city_body_of, named_alike, normalise_name, places_of, strip_places
from jixiao.review.registry import rule


@lru_cache(maxsize=8)
def _alias(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_OTHER_BODIES = ("supervising", "publisher")  # the 主管部门 of a project's form, a site's 发布机构


def _declared_alias(text: str, name: str, unit: str, alias: re.Pattern[str], year: int | None) -> bool:
    """Whether a sentence of the text names both units with an alias word between them
    ("县委宣传部加挂县新闻出版局牌子")."""
    places = [*places_of(name, {}, year).values(), *places_of(unit, {}, year).values()]
    a, b = (strip_places(normalise_name(n), places) for n in (name, unit))
    for m in re.finditer(re.escape(a), text):
        start = max(text.rfind("。", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
        end = min((i for i in (text.find("。", m.end()), text.find("\n", m.end())) if i >= 0), default=len(text))
        sentence = text[start:end]
        if b in sentence and alias.search(sentence):
            return True
    return False


@rule("unit-name-mismatch", "J120", "warning", "单位名称前后不一致",
      "{where}为“{other}”，与报告单位“{unit}”不一致。")
def check(rc):
    """单位在报告不同位置（标题、单位名称栏、落款、实施单位栏）写成了不同的单位。

    **何时触发**：报告认定的单位与另一处自称的单位不是同一个：地名不同（康定市民政局 / 泸定县民政局），或
    单位本身不同（第二中学 / 第三中学，中医院 / 人民医院）。简称（县政协办、卫健委、镇政府）、“中共”“本级”
    “（盖章）”、加挂或合署的另一块牌子、主管部门与发布机构不在此列；地名按行政区划数据比较（与工作台的
    归属核对相同，``extract/unitnames.py``）。比较的位置与别名词表在 ``data/review.yaml`` 的
    ``unit_name_mismatch``。

    **为什么重要**：多半是套用其他单位的模板未改全，文中的数字也可能不是本单位的。

    **示例**：标题为“康定市民政局2019年度部门整体支出绩效评价报告”，落款为“泸定县民政局”。
    """
    unit = rc.report.facts.get("unit_name")
    if unit is None or not rc.report.identity_candidates:
        return
    cfg = rc.config.get("unit_name_mismatch", {})
    sources = cfg.get("sources") or {"title": "标题", "seal": "落款"}
    alias = _alias(cfg.get("alias", "加挂"))
    year = rc.report.fact_value("fiscal_year")
    cands = rc.report.identity_candidates
    others = [c.name for c in cands if c.source in _OTHER_BODIES]
    implementing = {normalise_name(c.name) for c in cands if c.source == "implementing"}
    if len(implementing) > 1 or any(named_alike(o, unit.value, year) for o in others):
        sources = {k: v for k, v in sources.items() if k != "implementing"}  # forms of the unit's projects
    seen: list[str] = []
    for c in cands:
        if c.source not in sources or not c.evidence or any(named_alike(c.name, s, year) for s in seen):
            continue
        if named_alike(c.name, unit.value, year) or any(named_alike(c.name, o, year) for o in others):
            continue  # the unit, or the 主管部门 / 发布机构 named on a project's form
        if _declared_alias(rc.text, c.name, unit.value, alias, year):
            continue  # a second name the text declares
        seen.append(c.name)
        yield rc.finding("unit-name-mismatch", values={"stated": c.name, "computed": unit.value},
                         evidence=[c.evidence[0], *unit.evidence[:1]],
                         where=sources[c.source], other=c.name, unit=unit.value)
    if rc.report.fact_value("report_kind") == "final_accounts":
        for where, name, span in _accounts_names(rc, unit.value, cfg, year):
            if any(named_alike(name, s, year) for s in seen) or _declared_alias(rc.text, name, unit.value, alias, year):
                continue
            seen.append(name)
            yield rc.finding("unit-name-mismatch", values={"stated": name, "computed": unit.value},
                             evidence=[span, *unit.evidence[:1]], where=where, other=name, unit=unit.value)


def _accounts_names(rc, unit: str, cfg: dict, year: int | None):
    """Where a 部门决算 names its unit besides the title: the part headings ("第二部分 X 2024年度部门决算表"), the
    tables' 编制单位, and the text's own mentions of a name that is nearly the unit's ("规划与自然资源局" for
    "规划和自然资源局": ``similar`` or more alike, ending as the unit does). Yields (where, name, span) of each
    that does not name the unit."""
    text = rc.text
    for where, pattern in (cfg.get("accounts_places") or {}).items():
        for m in _alias(pattern).finditer(text):
            name = m.group("name").strip()
            if len(name) >= 4 and not named_alike(name, unit, year) and not _PLACEHOLDER.search(name):
                yield where, name, rc.span(m.start("name"), m.start("name") + len(name))
    tail = normalise_name(unit)[-3:]
    similar = float(cfg.get("similar", 0.8))
    if len(tail) < 3:
        return
    for m in re.finditer(re.escape(tail), text):
        run = _NAME_RUN.search(text[max(0, m.start() - len(unit) - 2):m.start()])
        if run is None:
            continue
        name = run.group(0) + tail
        head = next((name.find(unit[:k]) for k in (3, 2) if unit[:k] in name), -1)
        if head < 0:
            continue
        name = name[head:]
        at = m.end() - len(name)
        if named_alike(name, unit, year) or SequenceMatcher(None, name, unit).ratio() < similar:
            continue
        if city_body_of(name, normalise_name(unit)) and text[text.rfind("\n", 0, at) + 1:at].strip():
            continue  # the city's body of the same kind named in a sentence: its superior (“接受岚川市农业农村局的指导”)
        yield "正文", name, rc.span(at, m.end())


_NAME_RUN = re.compile(r"[\u4e00-\u9fff（）()]+$")  # the characters of a name before its ending
_PLACEHOLDER = re.compile(r"[XxＸｘ×]{2,}|某某")
