"""Command line: ``jixiao extract FILE... [--json] [--to out.xlsx|out.csv]``.

Exit status: 0 success; 2 when an input could not be read (the other files are still
processed, and the reason is written in Chinese on stderr), or when the user's data folder
(``--data DIR`` / ``JIXIAO_DATA``) has an invalid file.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from jixiao.console import console, utf8_streams
from jixiao.errors import IngestError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="jixiao（绩效）：部门整体支出绩效自评报告的抽取、核查与评分。")

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2

DataOption = Annotated[Path | None, typer.Option(
    "--data", help="用户数据目录：与 jixiao/data 同名的文件追加词表、覆盖设置，新增 KPI 指标包或评分框架"
                   "（也可用环境变量 JIXIAO_DATA；见 docs/data.md）")]


@app.callback()
def _root() -> None:
    """jixiao（绩效）：部门整体支出绩效自评报告的抽取、核查与评分。"""




def _analyse(path: Path, config: dict | None = None):
    """Load, extract and review one file; any unexpected failure becomes an IngestError with a
    Chinese reason, so that one bad file never stops a batch."""
    from jixiao.extract import extract
    from jixiao.ingest import load

    try:
        return extract(load(path), review=True, config=config)
    except IngestError:
        raise
    except Exception as err:  # noqa: BLE001 - reported per file, the batch goes on
        logging.getLogger("jixiao").debug("internal error on %s", path, exc_info=True)
        raise IngestError(str(path), f"处理时发生内部错误（{type(err).__name__}: {err}），请将文件反馈给开发者") from None


def use_data_option(folder: Path | None) -> None:
    """Apply ``--data`` (else ``JIXIAO_DATA``) and validate every data file once; an invalid file
    is reported (file, line, reason) and the command exits with 2."""
    from jixiao.errors import JixiaoError
    from jixiao.lexicon import data_dir, use_data, validate_all
    from jixiao.score import framework_ids, load_framework

    try:
        if folder is not None:
            use_data(folder)
        if data_dir() is not None:
            validate_all()
            for fid in framework_ids():
                load_framework(fid)
    except JixiaoError as err:
        console(stderr=True).print(f"[bold red]错误[/]：{escape(str(err))}")
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _config(path: Path | None) -> dict:
    from jixiao.errors import JixiaoError
    from jixiao.review import load_config

    try:
        return load_config(path)
    except JixiaoError as err:
        console(stderr=True).print(f"[bold red]错误[/]：{escape(str(err))}")
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _each_report(files: list[Path], config: Path | None, data: Path | None):
    """Analyse the files one by one; yield each Report, or None (after printing the Chinese reason)
    for a file that cannot be read, so the batch goes on."""
    utf8_streams()
    use_data_option(data)
    cfg = _config(config)
    for path in files:
        try:
            yield _analyse(path, cfg)
        except IngestError as err:
            _report_error(err)
            yield None


def _report_error(err: IngestError) -> None:
    console(stderr=True).print(f"[bold red]错误[/]：{escape(err.path)}：{escape(err.reason)}")


@app.command("extract")
def extract_cmd(
    files: Annotated[list[Path], typer.Argument(help="报告文件（.docx/.pdf/.txt/.xlsx），可多个")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON（多个文件时为 JSON Lines）")] = False,
    to: Annotated[Path | None, typer.Option("--to", help="导出到 .xlsx 或 .csv（每份报告一行）")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="审核阈值配置（YAML）")] = None,
    data: DataOption = None,
) -> None:
    """抽取报告中的事实、项目与绩效指标，每个数值都附原文出处（JSON 中同时给出审核发现）。"""
    from jixiao.jsonout import dumps

    status, reports = EXIT_OK, []
    for report in _each_report(files, config, data):
        if report is None:
            status = EXIT_BAD_INPUT
            continue
        reports.append(report)
        if as_json:
            sys.stdout.write(dumps(report.to_json(), indent=1 if len(files) == 1 else None) + "\n")
            sys.stdout.flush()
        elif to is None:
            _print_report(report)
    if to is not None and reports:
        from jixiao.export import export_reports

        try:
            export_reports(reports, to)
        except OSError as err:
            console(stderr=True).print(f"[bold red]错误[/]：无法写入 {escape(str(to))}：{escape(str(err.strerror or err))}")
            raise typer.Exit(EXIT_BAD_INPUT) from None
        console(stderr=True).print(f"已导出 {len(reports)} 份报告到 {escape(str(to))}")
    raise typer.Exit(status)


@app.command("check")
def check_cmd(
    files: Annotated[list[Path], typer.Argument(help="报告文件，可多个")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON（多个文件时为 JSON Lines）")] = False,
    config: Annotated[Path | None, typer.Option("--config", help="审核阈值配置（YAML）")] = None,
    data: DataOption = None,
) -> None:
    """核查报告：合计、比率、个数、前后一致、执行率、编制、提纲完整性、重复段落、目标完成。

    退出码：0 无错误级发现；1 有错误级发现；2 有文件无法读取，或配置、数据文件无效。
    """
    from jixiao.jsonout import dumps

    status = EXIT_OK
    for report in _each_report(files, config, data):
        if report is None:
            status = EXIT_BAD_INPUT
            continue
        findings = report.findings or []
        if as_json:
            out = {"source": report.source, "findings": [f.model_dump() for f in findings]}
            sys.stdout.write(dumps(out, indent=1 if len(files) == 1 else None) + "\n")
        else:
            _print_findings(report)
        if status == EXIT_OK and any(f.severity == "error" for f in findings):
            status = EXIT_FINDINGS
    raise typer.Exit(status)


@app.command("score")
def score_cmd(
    file: Annotated[Path, typer.Argument(help="报告文件")],
    framework: Annotated[str | None, typer.Option("--framework", help="评分框架（默认按省份、类型、年度选用）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    data: DataOption = None,
) -> None:
    """按指标体系评分：每个指标给出公式、取值及出处、得分，无法计算的指标写明缺少的输入。"""
    from jixiao.score import FrameworkError, score, scorecard_table

    utf8_streams()
    use_data_option(data)
    try:
        report = _analyse(file)
    except IngestError as err:
        _report_error(err)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    try:
        card = score(report, framework)
    except FrameworkError as err:
        console(stderr=True).print(f"[bold red]错误[/]：{escape(str(err))}")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if as_json:
        sys.stdout.write(card.to_json_text() + "\n")
    else:
        console().print(scorecard_table(card))
    raise typer.Exit(EXIT_OK)


_SEVERITY_CN = {"error": ("错误", "bold red"), "warning": ("警告", "yellow"), "info": ("提示", "cyan")}


def _print_findings(report) -> None:
    out = console()
    findings = report.findings or []
    name = report.fact_value("unit_name") or report.source
    counts = {s: sum(1 for f in findings if f.severity == s) for s in _SEVERITY_CN}
    out.print(f"[bold]{escape(name)}[/]（{escape(report.source)}）：错误 {counts['error']} 项，警告 {counts['warning']} 项，"
                  f"提示 {counts['info']} 项")
    for severity, (label, style) in _SEVERITY_CN.items():
        group = [f for f in findings if f.severity == severity]
        if not group:
            continue
        out.print(f"[{style}]■ {label}[/]")
        for f in group:
            out.print(f"  [{style}]{f.rule}[/] {escape(f.message)}")
            for ev in f.evidence[:4]:
                quote = ev.text if len(ev.text) <= 60 else ev.text[:57] + "…"
                out.print(f"      [dim]原文（{ev.start}–{ev.end}）：“{escape(quote)}”[/]")
    out.print()


def _print_report(report) -> None:
    from jixiao.export import FACT_LABELS
    from jixiao.jsonout import decimal_text

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


# the review workspace commands (serve, demo, user add/passwd) are in jixiao.cli_web
from jixiao import cli_web  # noqa: E402

cli_web.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
