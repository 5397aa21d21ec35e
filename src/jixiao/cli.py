"""Command line: ``jixiao extract|check|score|rules`` (the review workspace's ``serve``, ``demo`` and
``user`` are in :mod:`jixiao.cli_web`). Every command analyses through :mod:`jixiao.pipeline`.

Exit status (``EXIT_*``): 0 success (``check``: no error-level finding); 1 ``check`` found an error;
2 an input could not be read (the other files are still processed, and the reason is written in
Chinese on stderr), a rule failed on a document (an ``internal-error`` finding), or the user's data
folder, configuration, framework or a rule name is invalid.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from jixiao import cli_batch, cli_render, cli_web, pipeline
from jixiao.cli_common import (
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    EXIT_OK,
    ConfigOption,
    DataOption,
    IgnoreOption,
    SelectOption,
    fail,
    review_options,
    use_data_option,
)
from jixiao.console import console, utf8_streams
from jixiao.errors import IngestError, JixiaoError
from jixiao.export import export_reports
from jixiao.jsonout import decimal_text, dumps
from jixiao.model import FACT_LABELS, Report
from jixiao.review import RULES, Rule, documents, load_config, resolve, selection
from jixiao.ruledocs import SEVERITY_CN, rule_text
from jixiao.score import form_score_table, scorecard_table

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="jixiao（绩效）：部门整体支出绩效自评报告的抽取、核查与评分。")

__all__ = ["EXIT_BAD_INPUT", "EXIT_FINDINGS", "EXIT_OK", "app", "main", "use_data_option"]



@app.callback()
def _root() -> None:
    """jixiao（绩效）：部门整体支出绩效自评报告的抽取、核查与评分。"""


def _each_analysis(files: list[Path], options: pipeline.Options):
    """Analyse the files one by one; yield each Analysis, or None (after printing the Chinese reason)
    for a file that cannot be read, so the batch goes on."""
    for outcome in pipeline.analyse_batch(files, options):
        if outcome.error is not None:
            _report_error(outcome.error)
        yield outcome.analysis


def _cross_documents(reports: list[Report], options: pipeline.Options) -> None:
    """Hold each self-evaluation against the 部门决算 of the same unit and year among ``reports``
    (cross-document-mismatch), adding the findings to both, when that rule is selected."""
    config = dict(options.config) if options.config is not None else load_config()
    select = options.select if options.select is not None else config.get("select")
    chosen = selection(select, options.ignore or config.get("ignore") or ())
    if len(reports) < 2 or documents.RULE not in {r.id for r in chosen}:
        return
    found = documents.pair_findings([(r.source, r.to_json()) for r in reports], config)
    for report in reports:
        if found.get(report.source):
            report.findings = (report.findings or []) + found[report.source]


def _report_error(err: IngestError) -> None:
    console(stderr=True).print(f"[bold red]错误[/]：{escape(err.path)}：{escape(err.reason)}")


def _rule_failures(analysis: pipeline.Analysis) -> int:
    """Print the rules that failed on this document (stderr); return how many."""
    for f in analysis.internal_errors:
        console(stderr=True).print(f"[bold red]错误[/]：{escape(analysis.report.source)}：{escape(f.message)}")
    return len(analysis.internal_errors)


@app.command("extract")
def extract_cmd(
    files: Annotated[list[Path], typer.Argument(help="报告文件（.docx/.pdf/.txt/.xlsx），可多个")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON（多个文件时为 JSON Lines）")] = False,
    to: Annotated[Path | None, typer.Option("--to", help="导出到 .xlsx 或 .csv（每份报告一行）")] = None,
    config: ConfigOption = None,
    data: DataOption = None,
) -> None:
    """抽取报告中的事实、项目与绩效指标，每个数值都附原文出处（JSON 中同时给出审核发现）。"""
    utf8_streams()
    use_data_option(data)
    options = review_options(config, None, None)
    status, reports = EXIT_OK, []
    for analysis in _each_analysis(files, options):
        if analysis is None:
            status = EXIT_BAD_INPUT
            continue
        report = analysis.report
        reports.append(report)
        if _rule_failures(analysis):
            status = EXIT_BAD_INPUT
        if as_json:
            sys.stdout.write(dumps(report.to_json(), indent=1 if len(files) == 1 else None) + "\n")
            sys.stdout.flush()
        elif to is None:
            _print_report(report)
    if to is not None and reports:
        try:
            export_reports(reports, to)
        except OSError as err:
            fail(f"无法写入 {to}：{err.strerror or err}")
        console(stderr=True).print(f"已导出 {len(reports)} 份报告到 {escape(str(to))}")
    raise typer.Exit(status)


@app.command("check")
def check_cmd(
    files: Annotated[list[Path], typer.Argument(help="报告文件，可多个")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON（多个文件时为 JSON Lines）")] = False,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    config: ConfigOption = None,
    data: DataOption = None,
) -> None:
    """核查报告：合计、比率、个数、前后一致、执行率、编制、提纲完整性、重复段落、目标完成。

    退出码：0 无错误级发现；1 有错误级发现；2 有文件无法读取、有规则运行出错（internal-error），
    或配置、数据文件、规则名无效。jixiao rules 列出全部规则。
    """
    utf8_streams()
    use_data_option(data)
    options = review_options(config, select, ignore)
    found_error = bad = False
    reports = []
    for analysis in _each_analysis(files, options):
        if analysis is None:
            bad = True
            continue
        bad = _rule_failures(analysis) > 0 or bad
        reports.append(analysis.report)  # the document (text, tables) is not kept
    _cross_documents(reports, options)
    for report in reports:
        findings = report.findings or []
        if as_json:
            out = {"source": report.source, "findings": [f.model_dump() for f in findings]}
            sys.stdout.write(dumps(out, indent=1 if len(files) == 1 else None) + "\n")
        else:
            _print_findings(report)
        found_error = found_error or any(f.severity == "error" for f in findings)
    raise typer.Exit(EXIT_BAD_INPUT if bad else EXIT_FINDINGS if found_error else EXIT_OK)


@app.command("score")
def score_cmd(
    file: Annotated[Path, typer.Argument(help="报告文件")],
    framework: Annotated[str | None, typer.Option("--framework", help="评分框架（默认按省份、类型、年度选用）")] = None,
    form_rules: Annotated[str | None, typer.Option(
        "--form-rules", help="项目支出绩效自评表的计分规则（默认按省份、年度选用；见 data/form_rules）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    data: DataOption = None,
) -> None:
    """按指标体系评分：每个指标给出公式、取值及出处、得分，无法计算的指标写明缺少的输入。

    文件中的每张项目支出绩效自评表按其计分规则（财预〔2020〕10号或省级规则）逐行重算，与单位自评得分并列，
    逐项说明差异。"""
    utf8_streams()
    use_data_option(data)
    try:
        analysis = pipeline.analyse(file, pipeline.Options(review=False, score=True, framework=framework,
                                                           form_rules=form_rules))
    except IngestError as err:
        _report_error(err)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except JixiaoError as err:
        fail(str(err))
    forms_only = analysis.report.fact_value("report_kind") == "project_self_evaluation" and analysis.forms
    if analysis.score is None and not analysis.forms:
        fail(f"{file}：无法评分（{analysis.score_error}）")
    if as_json:
        if analysis.forms:  # {"forms": [...], "scorecard": ...}; a report without forms gives the card alone
            card = analysis.score.model_dump() if analysis.score is not None and not forms_only else None
            sys.stdout.write(dumps({"forms": [f.model_dump() for f in analysis.forms], "scorecard": card},
                                   indent=1) + "\n")
        else:
            sys.stdout.write(analysis.score.to_json_text() + "\n")
    else:
        if analysis.score is not None and not forms_only:
            console().print(scorecard_table(analysis.score))
        for fs in analysis.forms:
            console().print(form_score_table(fs))
    raise typer.Exit(EXIT_OK)


@app.command("rules")
def rules_cmd(
    rule_id: Annotated[str | None, typer.Argument(metavar="[规则]", help="规则名、代码或别名：显示这条规则的说明")] = None,
) -> None:
    """列出全部审核规则（名称、代码、默认级别、标题）；给出规则名时显示它的说明、默认配置和消息模板。"""
    utf8_streams()
    out = console()
    if rule_id is None:
        t = Table(title=f"审核规则（{len(RULES)} 条）", show_lines=False)
        for col in ("规则", "代码", "默认级别", "名称"):
            t.add_column(col)
        for r in sorted(RULES.values(), key=lambda r: r.code):
            t.add_row(r.id, r.code, SEVERITY_CN[r.severity], r.title)
        out.print(t)
        out.print("jixiao rules 规则名 显示一条规则的说明；jixiao check --select/--ignore 选择要运行的规则。")
        raise typer.Exit(EXIT_OK)
    try:
        r: Rule = resolve(rule_id)
    except JixiaoError as err:
        fail(str(err))
    out.print(escape(rule_text(r, load_config())), highlight=False)
    raise typer.Exit(EXIT_OK)


_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _print_findings(report: Report) -> None:
    out = console()
    findings = report.findings or []
    name = report.fact_value("unit_name") or report.source
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITY_CN}
    out.print(f"[bold]{escape(name)}[/]（{escape(report.source)}）：错误 {counts['error']} 项，警告 {counts['warning']} 项，"
              f"提示 {counts['info']} 项")
    for severity, label in SEVERITY_CN.items():
        style = _SEVERITY_STYLE[severity]
        group = [f for f in findings if f.severity == severity]
        if not group:
            continue
        out.print(f"[{style}]■ {label}[/]")
        for f in group:
            out.print(f"  [{style}]{f.rule}[/] {escape(f.message)}")
            for i, ev in enumerate(f.evidence[:4]):
                quote = ev.text if len(ev.text) <= 60 else ev.text[:57] + "…"
                out.print(f"      [dim]原文（{_where(f, i, ev)}）：“{escape(quote)}”[/]")
    out.print()


def _where(f, i: int, ev) -> str:
    """Where evidence ``i`` of a finding is: 第7页《支出决算表》“合计”行“基本支出”列, or its offsets in the text."""
    loc = f.locations[i] if i < len(f.locations) else {}
    parts = [f"第{loc['page']}页"] if loc.get("page") else []
    if loc.get("table"):
        parts.append(f"《{loc['table']}》“{loc.get('row', '')}”行“{loc.get('column', '')}”列")
    if loc.get("ocr_confidence") is not None:
        parts.append(f"OCR 识别，置信度{loc['ocr_confidence']:.2f}")
    return escape(" ".join(parts)) if parts else f"{ev.start}–{ev.end}"


def _print_report(report: Report) -> None:
    out = console()
    title = report.fact_value("unit_name") or report.source
    t = Table(title=escape(f"{title}（{report.source}）"), show_lines=False)
    t.add_column("事实")
    t.add_column("数值", justify="right")
    t.add_column("原文出处")
    for key, fact in report.facts.items():
        if fact.computed:
            continue
        value = decimal_text(fact.value) if hasattr(fact.value, "as_tuple") else str(fact.value)
        t.add_row(FACT_LABELS.get(key, key), escape(value), escape(fact.evidence[0].text) if fact.evidence else "")
    out.print(t)
    if report.project_items:
        it = Table(title="项目支出", show_lines=False)
        for col in ("项目", "年初预算", "调整", "实际支出"):
            it.add_column(col)
        for item in report.project_items:
            it.add_row(escape(item.name), *(decimal_text(v) if v is not None else "" for v in (item.budget, item.adjustment, item.actual)))
        out.print(it)
    if report.metrics:
        mt = Table(title=f"绩效指标（{len(report.metrics)} 项）", show_lines=False)
        for col in ("指标", "KPI", "数值", "单位", "原文"):
            mt.add_column(col)
        for m in report.metrics:
            value = ("约" if m.approx else "") + (m.comparator or "") + decimal_text(m.value)
            mt.add_row(escape(m.label), m.kpi or "", value, escape(m.unit), escape(m.evidence[0].text))
        out.print(mt)


cli_web.register(app)
cli_batch.register(app)
cli_render.register(app)


def main() -> None:
    """The ``jixiao`` command."""
    app()


if __name__ == "__main__":
    main()
