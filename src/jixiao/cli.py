"""Command line: ``jixiao extract FILE... [--json] [--to out.xlsx|out.csv]``.

Exit status: 0 success; 2 when an input could not be read (the other files are still
processed, and the reason is written in Chinese on stderr).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from jixiao.errors import IngestError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="jixiao（绩效）：部门整体支出绩效自评报告的抽取、核查与评分。")

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


@app.callback()
def _root() -> None:
    """jixiao（绩效）：部门整体支出绩效自评报告的抽取、核查与评分。"""


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def _utf8_stdout() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8", errors="replace")
        except (AttributeError, ValueError):
            pass


def _analyse(path: Path):
    from jixiao.extract import extract
    from jixiao.ingest import load

    return extract(load(path))


def _report_error(err: IngestError) -> None:
    _console(stderr=True).print(f"[bold red]错误[/]：{err.path}：{err.reason}")


@app.command("extract")
def extract_cmd(
    files: Annotated[list[Path], typer.Argument(help="报告文件（.docx/.pdf/.txt/.xlsx），可多个")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON（多个文件时为 JSON Lines）")] = False,
    to: Annotated[Path | None, typer.Option("--to", help="导出到 .xlsx 或 .csv（每份报告一行）")] = None,
) -> None:
    """抽取报告中的事实、项目与绩效指标，每个数值都附原文出处。"""
    from jixiao.jsonout import dumps

    _utf8_stdout()
    status = EXIT_OK
    reports = []
    for path in files:
        try:
            report = _analyse(path)
        except IngestError as err:
            _report_error(err)
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
            _console(stderr=True).print(f"[bold red]错误[/]：无法写入 {to}：{err.strerror or err}")
            raise typer.Exit(EXIT_BAD_INPUT) from None
        _console(stderr=True).print(f"已导出 {len(reports)} 份报告到 {to}")
    raise typer.Exit(status)


def _print_report(report) -> None:
    from jixiao.export import FACT_LABELS
    from jixiao.jsonout import decimal_text

    console = _console()
    title = report.fact_value("unit_name") or report.source
    t = Table(title=f"{title}（{report.source}）", show_lines=False)
    t.add_column("事实")
    t.add_column("数值", justify="right")
    t.add_column("原文出处")
    for key, fact in report.facts.items():
        if fact.computed:
            continue
        value = decimal_text(fact.value) if hasattr(fact.value, "as_tuple") else str(fact.value)
        t.add_row(FACT_LABELS.get(key, key), value, fact.evidence[0].text if fact.evidence else "")
    console.print(t)
    if report.project_items:
        it = Table(title="项目支出", show_lines=False)
        for col in ("项目", "年初预算", "调整", "实际支出"):
            it.add_column(col)
        for item in report.project_items:
            it.add_row(item.name, *(decimal_text(v) if v is not None else "" for v in (item.budget, item.adjustment, item.actual)))
        console.print(it)
    if report.metrics:
        mt = Table(title=f"绩效指标（{len(report.metrics)} 项）", show_lines=False)
        for col in ("指标", "KPI", "数值", "单位", "原文"):
            mt.add_column(col)
        for m in report.metrics:
            value = ("约" if m.approx else "") + (m.comparator or "") + decimal_text(m.value)
            mt.add_row(m.label, m.kpi or "", value, m.unit, m.evidence[0].text)
        console.print(mt)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
