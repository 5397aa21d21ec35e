"""Issue 9, defect 1: figures keep their sign everywhere — the formatters, the project table, the
change log, the comparison (table, change column, chart, CSV) and the XLSX export. Negative numbers
are written with the ASCII hyphen-minus ``-``."""

from __future__ import annotations

import hashlib
import io
import json
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from jixiao.store.models import Report, ReportValue
from jixiao.web.format import execution_rate, fmt_change, fmt_num, fmt_val

# --- the formatters --------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "grouped", "plain"), [
    (-62.92, "-62.92", "-62.92"),
    (Decimal("-20.76"), "-20.76", "-20.76"),
    (-5, "-5", "-5"),
    (-1234567.5, "-1,234,567.5", "-1234567.5"),
    (0, "0", "0"),
    (0.0, "0", "0"),
    (-0.0, "0", "0"),
    (Decimal("-0.00"), "0", "0"),
    (123456789012.34, "123,456,789,012.34", "123456789012.34"),
    (-123456789012.34, "-123,456,789,012.34", "-123456789012.34"),
    (Decimal("-0.000123"), "-0.000123", "-0.000123"),
    (1.23456789, "1.23456789", "1.23456789"),
    (Decimal("-987654.321000"), "-987,654.321", "-987654.321"),
    (0.1 + 0.2, "0.30000000000000004", "0.30000000000000004"),
])
def test_fmt_num_keeps_sign(value, grouped, plain):
    assert fmt_num(value) == grouped
    assert fmt_num(value, grouping=False) == plain


def test_fmt_num_never_shows_nan_or_infinity_as_a_figure():
    assert fmt_num(float("nan")) == "—" and fmt_num(float("inf")) == "—" and fmt_num(Decimal("-Infinity")) == "—"


def test_fmt_val_change_log_values():
    assert fmt_val(-5) == "-5"
    assert fmt_val(0) == "0" and fmt_val(0.0) == "0"  # a correction to 0 is not “空”
    assert fmt_val(None) == "（空）"
    assert fmt_val(Decimal("-20.76")) == "-20.76"
    assert fmt_val("示例市") == "示例市"


def test_fmt_change_is_exact_and_signed():
    assert fmt_change(100, 98.8) == "-1.2"
    assert fmt_change(98.8, 100) == "+1.2"
    assert fmt_change(5, 5) == "0"
    assert fmt_change(-20.76, 0) == "+20.76"
    assert fmt_change(0.1, 0.3) == "+0.2"  # not 0.19999999999999998
    assert fmt_change(123456789012.34, -123456789012.34) == "-246,913,578,024.68"
    assert fmt_change(None, 1) == ""


def test_execution_rate_exact():
    assert execution_rate({"budget": 85, "actual": 78.6}) == "92.5%"
    assert execution_rate({"budget": 100, "actual": -5}) == "-5.0%"
    assert execution_rate({"budget": 0, "actual": 5}) == ""


# --- pages -----------------------------------------------------------------------------------------


def _item_row(html: str, name: str) -> str:
    m = re.search(rf"<tr[^>]*>\s*<td[^>]*>(?:(?!</tr>).)*{name}(?:(?!</tr>).)*</tr>", html, re.S)
    assert m, f"no row for {name}"
    return m.group(0)


def test_project_table_shows_negative_adjustment(sqlite_world):
    w = sqlite_world
    w.login("admin")
    html = w.client.get(f"/reports/{w.report_a}").text
    section = html[html.index("调整数"):]
    row = _item_row(section, "社区矫正工作经费")  # the sample's 调整数 is -6.4
    cells = re.findall(r'<td class="num">(.*?)</td>', row, re.S)
    assert any(re.sub(r"<[^>]+>", "", c).strip() == "-6.4" for c in cells), cells


def _correct(w, field: str, value, who: str = "admin") -> None:
    version = w.detail(w.report_a, who)["version"]
    r = w.client.post(f"/api/reports/{w.report_a}/corrections", headers=w.users[who].auth,
                      json={"field": field, "value": value, "reason": "核对原始凭证", "version": version})
    assert r.status_code == 201, r.text


def test_change_log_keeps_sign_and_zero(sqlite_world):
    w = sqlite_world
    _correct(w, "project_items.公共法律服务体系建设经费.adjustment", "-5")
    _correct(w, "facts.budget", 0)
    w.login("admin")
    html = w.client.get(f"/reports/{w.report_a}").text
    log = html[html.index('id="changelog"'):]
    pairs = [(re.sub(r"<[^>]+>", "", a).strip(), re.sub(r"<[^>]+>", "", b).strip())
             for a, b in re.findall(r'<td class="nowrap">([^<]*?) → <b>(.*?)</b></td>', log)]
    assert ("18.6", "-5") in pairs, pairs
    assert ("1,530.16", "0") in pairs, pairs
    assert "（空）" not in log
    row = _item_row(html[html.index("调整数"):], "公共法律服务体系建设经费")
    assert "-5" in re.sub(r"<[^>]+>", " ", row).split()  # the corrected 调整数 in the project table


# --- comparison ------------------------------------------------------------------------------------


def _two_years(w, unit: str, values: tuple, key: str = "facts.expenditure_total") -> None:
    with w.db() as db:
        for year, v in zip((2023, 2024), values, strict=True):
            r = Report(filename=f"{unit}{year}.txt", file_sha256=hashlib.sha256(f"{unit}{year}".encode()).hexdigest(),
                       file_size=1, original=b"x", analysis="done", unit_name=unit, fiscal_year=year,
                       province="示例省", city="示例市")
            db.add(r)
            db.flush()
            db.add(ReportValue(report_id=r.id, key=key, num=Decimal(str(v))))
        db.commit()


def test_compare_change_column_chart_and_csv_keep_sign(sqlite_world):
    w = sqlite_world
    _two_years(w, "示例市甲区司法局", (100, 98.8))
    _two_years(w, "示例市乙区司法局", (-20.76, 0))
    w.login("reviewer")
    html = w.client.get("/compare?key=facts.expenditure_total&from=2023&to=2024").text
    table = html[html.index('id="compare-table"'):]
    row = re.search(r"<td>示例市甲区司法局</td>(.*?)</tr>", table, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', row)[-1] == "-1.2"
    row = re.search(r"<td>示例市乙区司法局</td>(.*?)</tr>", table, re.S).group(1)
    assert ">-20.76</a>" in row and re.findall(r'<td class="num">([^<]*)</td>', row)[-1] == "+20.76"
    option = json.loads(re.search(r'<script type="application/json" id="cmp-chart">(.*?)</script>', html, re.S).group(1))
    series = {s["name"]: s["data"] for s in option["series"]}
    assert series["示例市乙区司法局"] == [-20.76, 0]
    assert series["示例市甲区司法局"] == [100, 98.8]
    csv = w.client.get("/compare.csv?key=facts.expenditure_total&from=2023&to=2024").content.decode("utf-8-sig")
    assert "示例市乙区司法局,-20.76,0" in csv.replace("\r", "")


def test_xlsx_export_keeps_negative_numbers(sqlite_world):
    w = sqlite_world
    _correct(w, "facts.budget", "-20.76")
    r = w.client.get("/api/reports/export.xlsx", headers=w.users["admin"].auth)
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content))["报告列表"]
    header = [c.value for c in ws[1]]
    col = header.index("年初预算数（万元）") if "年初预算数（万元）" in header else next(
        i for i, h in enumerate(header) if h and h.startswith("年初预算"))
    ids = [c.value for c in ws["A"]][1:]
    cell = ws.cell(row=ids.index(w.report_a) + 2, column=col + 1)
    assert cell.value == pytest.approx(-20.76) and cell.data_type == "n"
