"""unit-name-mismatch: the unit names itself differently in two places, beyond short forms."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from jixiao.review.registry import rule

_OTHER_BODIES = ("supervising", "publisher")  # the 主管部门 of a project's form, a site's 发布机构


@lru_cache(maxsize=8)
def _patterns(noise: str, place: str, alias: str) -> tuple[re.Pattern[str], ...]:
    return re.compile(noise), re.compile(place), re.compile(alias)


def _split(name: str, place: re.Pattern[str]) -> tuple[str, str]:
    """(leading place names, what is left) of a normalised unit name."""
    places = ""
    for _ in range(3):
        m = place.match(name)
        if not m or m.end() >= len(name) - 1:
            break
        places, name = places + m.group(0), name[m.end():]
    return places, name


def _within(short: str, long: str) -> bool:
    """Every character of ``short`` (with its count) is in ``long``: a short form (县政协办, 卫健委)."""
    return not Counter(short) - Counter(long)


def same_unit(a: str, b: str, noise: re.Pattern[str], place: re.Pattern[str]) -> bool:
    """Whether two names of units name the same unit: equal once 中共/本级/brackets are dropped, one the
    end of the other (市档案馆 / 韶关市档案馆), or the same kind of unit in compatible places, allowing
    short forms (镇政府 / 镇人民政府, 石柱县 / 石柱土家族自治县)."""
    a, b = noise.sub("", a), noise.sub("", b)
    if a == b or a.endswith(b) or b.endswith(a):
        return True
    (pa, ba), (pb, bb) = _split(a, place), _split(b, place)
    if pa and pb and not (_within(pa, pb) or _within(pb, pa)):
        return False  # 泸定县 / 康定市: other places
    if ba == bb:
        return True
    short, long = sorted((a, b), key=len)
    return _within(_split(short, place)[1], long)


def _declared_alias(text: str, name: str, unit: str, noise: re.Pattern[str], place: re.Pattern[str],
                    alias: re.Pattern[str]) -> bool:
    """Whether a sentence of the text names both units with an alias word between them."""
    a, b = (_split(noise.sub("", n), place)[1] for n in (name, unit))
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
    """单位在报告不同位置（标题、单位名称栏、落款、实施单位栏、正文开头）写成了不同的单位。

    **何时触发**：报告认定的单位与另一处自称的单位不是同一个：地名不同（康定市民政局 / 泸定县民政局），或
    单位本身不同（第二中学 / 第三中学，中医院 / 人民医院）。简称（县政协办、卫健委、镇政府）、“中共”“本级”
    “（盖章）”、加挂或合署的另一块牌子、主管部门与发布机构不在此列。比较的位置与词表在
    ``data/review.yaml`` 的 ``unit_name_mismatch``。

    **为什么重要**：多半是套用其他单位的模板未改全，文中的数字也可能不是本单位的。

    **示例**：标题为“康定市民政局2019年度部门整体支出绩效评价报告”，落款为“泸定县民政局”。
    """
    unit = rc.report.facts.get("unit_name")
    if unit is None or not rc.report.identity_candidates:
        return
    cfg = rc.config.get("unit_name_mismatch", {})
    sources = cfg.get("sources") or {"title": "标题", "seal": "落款"}
    noise, place, alias = _patterns(cfg.get("noise", "本级"), cfg.get("place", "县"), cfg.get("alias", "加挂"))
    cands = rc.report.identity_candidates
    others = [c.name for c in cands if c.source in _OTHER_BODIES]
    implementing = {noise.sub("", c.name) for c in cands if c.source == "implementing"}
    if len(implementing) > 1 or any(same_unit(o, unit.value, noise, place) for o in others):
        sources = {k: v for k, v in sources.items() if k != "implementing"}  # forms of the unit's projects
    seen: list[str] = []
    for c in cands:
        if c.source not in sources or not c.evidence or any(same_unit(c.name, s, noise, place) for s in seen):
            continue
        if same_unit(c.name, unit.value, noise, place) or any(same_unit(c.name, o, noise, place) for o in others):
            continue  # the unit, or the 主管部门 / 发布机构 named on a project's form
        if _declared_alias(rc.text, c.name, unit.value, noise, place, alias):
            continue  # a second name the text declares ("…局加挂…局牌子")
        seen.append(c.name)
        yield rc.finding("unit-name-mismatch", values={"stated": c.name, "computed": unit.value},
                         evidence=[c.evidence[0], *unit.evidence[:1]],
                         where=sources[c.source], other=c.name, unit=unit.value)
