"""Property tests: extraction never raises, every span is grounded, and the sum review honours
the rounding allowance of the figures as written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from jixiao.extract import extract_text
from jixiao.model import Fact, Report, Span
from jixiao.pipeline import analyse_text

PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- never raises, always grounded ----------------------------------------------------------

FRAGMENTS = [
    "基本支出共899.98万元，其中", "项目支出共920.54万元，分别为", "其中", "分别为", "包括", "合计", "共计",
    "一、", "二、", "（二）", "(三)", "1、", "2.", "3．", "一是", "二是",
    "件", "人", "个", "%", "％", "万元", "元", "亿元", "人次", "余", "近", "约", "多", "≥", "≤", "不低于",
    "，", "。", "、", "；", "：", "（", "）", "\n", "\t", " ", "\u3000",
    "工资福利支出", "商品和服务支出", "对个人和家庭的补助", "资本性支出", "人员经费", "公用经费",
    "本年支出合计", "年初预算", "调整预算", "实际支出", "执行率", "结转结余", "编制", "实有人数", "内设机构",
    "满意度", "调解成功率", "受理法律援助案件", "调解矛盾纠纷", "“三公”经费", "公务接待费", "公务用车",
    "司法局", "示例市示范区", "2024年度", "部门整体支出绩效自评报告", "存在的主要问题", "下一步改进措施",
    "零", "一", "二", "两", "三", "十", "百", "千", "万", "0", "1", "2", "5", "9", ".", "０", "１",
]
NUMBERS = st.one_of(
    st.integers(min_value=0, max_value=10**7).map(str),
    st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False).map(str),
    st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False).map(lambda d: f"{d}%"),
)
REPORT_LIKE = st.lists(st.one_of(st.sampled_from(FRAGMENTS), NUMBERS), max_size=80).map("".join)


def _facts(facts) -> list[Fact]:
    out = []
    for f in facts:
        out.append(f)
        out.extend(_facts(f.others))
    return out


def _all_spans(report: Report) -> list[Span]:
    spans = [s for f in _facts(report.facts.values()) for s in f.evidence]
    spans += [s for m in report.metrics for s in m.evidence]
    spans += [s for it in report.project_items for s in it.evidence]
    spans += [s for f in report.findings or [] for s in f.evidence]
    return spans


def _check_grounded(text: str) -> Report:
    report = analyse_text(text).report
    assert report.findings is not None
    for span in _all_spans(report):
        assert 0 <= span.start <= span.end <= len(text), span
        assert text[span.start:span.end] == span.text, span
    for sec in report.sections:
        assert 0 <= sec.start <= sec.body_start <= sec.end <= len(text), sec
    report.to_json()  # serialisable shape
    return report


@PROPS
@given(st.text(max_size=400))
@example("")
@example("\n\n\t \u3000")
@example("其中")
@example("基本支出共899.98万元，其中")
def test_arbitrary_text_never_raises_and_spans_are_grounded(text):
    _check_grounded(text)


@PROPS
@given(REPORT_LIKE)
@example("基本支出共899.98万元，其中工资福利支出730.52万元，商品和服务支出59.93万元。")
@example("一、\n（二）其中件%")
@example("项目支出共920.54万元，分别为")
def test_report_like_text_never_raises_and_spans_are_grounded(text):
    _check_grounded(text)


@PROPS
@given(st.lists(REPORT_LIKE, min_size=1, max_size=6))
def test_multiline_report_like_text(lines):
    _check_grounded("\n".join(lines))


@pytest.mark.parametrize("text", ["1" * 25 + "亿元", "1" * 29 + "万元", "合同编号11001000100010001000001000000万元"])
def test_huge_number_does_not_raise(text):
    analyse_text(text)


# -- sum-mismatch and the rounding allowance ------------------------------------------------
#
# A total T and parts written with 2 decimals agree when |T − Σ| ≤ ½·10⁻² · (n + 1). Parts are
# kept ≥ 10.00 and perturbations ≤ 5.00, so that no shorter prefix of the parts can ever add up
# to the total (the review rightly accepts a "其中" list that ran past its parts when a prefix
# matches). "其中" lists need not be exhaustive: parts falling short of the total is no error
# there, so a shortfall is only tested with "分别为".

NAMES = ["办公经费", "培训经费", "宣传经费", "调解经费", "援助经费", "矫正经费"]


def money(cents: int) -> str:
    return f"{Decimal(cents) / 100:.2f}"


@st.composite
def breakdowns(draw) -> list[int]:
    """Parts in cents (2–6 of them, each 10.00–9999.99 万元)."""
    n = draw(st.integers(min_value=2, max_value=6))
    return draw(st.lists(st.integers(min_value=1000, max_value=999_999), min_size=n, max_size=n))


def render(subject: str, intro: str, total: str, parts: list[str]) -> str:
    listed = "，".join(f"{NAMES[i]}{p}万元" for i, p in enumerate(parts))
    return f"{subject}共{total}万元，{intro}{listed}。"


def sum_findings(text: str):
    return [f for f in analyse_text(text).findings if f.rule == "sum-mismatch"]


def allowance_cents(n: int) -> Decimal:
    return Decimal(n + 1) / 2  # (n + 1) · 0.005 万元, in cents


SUBJECTS = ["项目支出", "专项资金"]
INTROS = ["其中", "分别为"]


@PROPS
@pytest.mark.parametrize("intro", INTROS)
@pytest.mark.parametrize("subject", ["项目支出", "专项资金"])
@given(parts=breakdowns())
def test_consistent_breakdown_has_no_sum_finding(subject, intro, parts):
    text = render(subject, intro, money(sum(parts)), [money(p) for p in parts])
    assert sum_findings(text) == []


@PROPS
@pytest.mark.parametrize("intro", INTROS)
@pytest.mark.parametrize("subject", SUBJECTS)
@given(parts=breakdowns(), data=st.data())
def test_part_increased_beyond_allowance_gives_one_finding(subject, intro, parts, data):
    n = len(parts)
    over = int(allowance_cents(n)) + 1  # the smallest whole-cent excess over the allowance
    delta = data.draw(st.integers(min_value=over, max_value=500), label="delta_cents")
    k = data.draw(st.integers(min_value=0, max_value=n - 1), label="part")
    written = [p + delta if i == k else p for i, p in enumerate(parts)]
    text = render(subject, intro, money(sum(parts)), [money(p) for p in written])
    found = sum_findings(text)
    assert len(found) == 1, (text, [f.message for f in found])
    assert Decimal(str(found[0].values["difference"])) == Decimal(delta) / 100


@PROPS
@pytest.mark.parametrize("subject", SUBJECTS)
@given(parts=breakdowns(), data=st.data())
def test_shortfall_beyond_allowance_flagged_when_list_is_exhaustive(subject, parts, data):
    n = len(parts)
    over = int(allowance_cents(n)) + 1
    delta = data.draw(st.integers(min_value=over, max_value=500), label="delta_cents")
    k = data.draw(st.integers(min_value=0, max_value=n - 1), label="part")
    written = [p - delta if i == k else p for i, p in enumerate(parts)]
    text = render(subject, "分别为", money(sum(parts)), [money(p) for p in written])
    found = sum_findings(text)
    assert len(found) == 1, (text, [f.message for f in found])


@PROPS
@pytest.mark.parametrize("subject", ["项目支出", "专项资金"])
@given(parts=breakdowns(), data=st.data())
def test_shortfall_under_qizhong_is_not_an_error(subject, parts, data):
    """"其中" may list only some of the parts: falling short of the total is fine."""
    delta = data.draw(st.integers(min_value=1, max_value=500), label="delta_cents")
    k = data.draw(st.integers(min_value=0, max_value=len(parts) - 1), label="part")
    written = [p - delta if i == k else p for i, p in enumerate(parts)]
    text = render(subject, "其中", money(sum(parts)), [money(p) for p in written])
    assert sum_findings(text) == []


@PROPS
@pytest.mark.parametrize("intro", INTROS)
@pytest.mark.parametrize("subject", ["项目支出", "专项资金"])
@given(parts=breakdowns(), data=st.data())
def test_perturbation_within_allowance_is_not_a_mismatch(subject, intro, parts, data):
    n = len(parts)
    k = data.draw(st.integers(min_value=0, max_value=n - 1), label="part")
    sign = data.draw(st.sampled_from([1, -1]), label="sign")
    if data.draw(st.booleans(), label="three_decimals"):
        # one part written with 3 decimals, 0.001 off: the allowance only grows
        written = [money(p) for p in parts]
        written[k] = f"{Decimal(parts[k]) / 100 + sign * Decimal('0.001'):.3f}"
    else:
        within = int(allowance_cents(n))  # whole cents ≤ (n + 1) · 0.005
        delta = data.draw(st.integers(min_value=1, max_value=within), label="delta_cents")
        written = [money(p + sign * delta if i == k else p) for i, p in enumerate(parts)]
    text = render(subject, intro, money(sum(parts)), written)
    assert sum_findings(text) == [], text


def test_allowance_boundary_examples():
    """Concrete cases next to the boundary: 3 parts → allowance 0.02 万元."""
    assert sum_findings(render("项目支出", "其中", "300.00", ["100.00", "150.00", "50.02"])) == []
    (found,) = sum_findings(render("项目支出", "其中", "300.00", ["100.00", "150.00", "50.03"]))
    assert found.severity == "error"
    assert "300.00" in found.evidence[0].text


@pytest.mark.parametrize("intro", ["其中", "分别为", "分别是：", "包括"])
def test_item_names_exclude_the_list_intro(intro):
    report = extract_text(render("项目支出", intro, "250.00", ["100.00", "150.00"]))
    assert [it.name for it in report.project_items] == NAMES[:2]


@pytest.mark.parametrize("intro", ["共2个项目：", "项目：", "两个子项目："])
def test_item_names_exclude_a_count_of_projects_before_them(intro):
    text = (f"项目支出92.00万元，{intro}档案数字化经费年初预算50.00万元，实际支出48.00万元；"
            "档案馆消防改造经费年初预算40.00万元，实际支出44.00万元。")
    assert [it.name for it in extract_text(text).project_items] == ["档案数字化经费", "档案馆消防改造经费"]
