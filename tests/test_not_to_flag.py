"""What a reviewer must not be bothered with (variety.md §8 "Not to flag"), on invented sentences: no
error or warning for any of them."""

from __future__ import annotations

import pytest

from jixiao.ingest.normalize import normalize
from jixiao.pipeline import analyse_text

FORM_HEAD = "| 项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |\n"

CASES = {
    "an alias in brackets": "局机关内设3个股室：办公室、法规股（加挂行政审批股牌子）、财务股。",
    "an extra body after 另设": "内设机构4个：办公室、业务股、财务股、人事股，另设县应急指挥中心办公室。",
    "a nested part": "编制40人，其中行政编制40人（含工勤编制6人）；实有38人。",
    "a net change explained": "年末实有在职人员52人，比上年增加1人（调入3人、退休1人、调出1人）。",
    "离休 0": "离退休人员29人，其中离休0人，退休29人。",
    "编制 above 实有": "核定编制30名，实有在职人员26人。",
    "subordinate staff given separately": "机关核定编制20名，实有18人；所属事业单位核定编制300人，在职320人。",
    "indicator hierarchy counts": "本年度设置绩效指标9个，其中一级指标2个、二级指标5个、三级指标9个。",
    "integer parts carry ±0.5": "项目支出59.96万元，其中甲项目20万元、乙项目20万元、丙项目19.98万元。",
    "rate on the adjusted budget": "| 项目名称 | 网格化服务 |\n" + FORM_HEAD
    + "| 年度资金总额 | 0.00 | 2.15 | 2.15 | 10 | 100% | 10 |",
    "all-zero rows": "| 项目名称 | 其他 |\n" + FORM_HEAD + "| 年度资金总额 | 0.00 | 0.00 | 0.00 | 10 | 0% | 0 |\n"
    "| 其中：当年财政拨款 | 0.00 | 0.00 | 0.00 | — | — | — |",
    "equal after rounding": "受理法律援助申请1500件，办结1455件，办结率97%。",
    "funding parts that add up": "上级预拨资金3500万元，其中中央资金2800万元、省级资金700万元；年底清算追加100万元，全年共3600万元。",
    "a list cut by the end of the text": "内设机构6个，分别为：办公室、人事科、财务科、法规科",
    "an exclusion note": "全局编制45人（不含工勤人员），实有44人。",
    "a rate on the money received": "上级下达资金120万元，年初预算100万元，实际支出114万元，执行率95%。",
    "actual equal to target": "| 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |\n| 培训人次 | ≥500人次 | 500人次 | 10 | 10 |",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_not_flagged(name):
    text, _ = normalize(CASES[name])
    flagged = [f"{f.rule}: {f.message}" for f in analyse_text(text).report.findings
               if f.severity in ("error", "warning")]
    assert not flagged, flagged
