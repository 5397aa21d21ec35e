"""``jixiao batch``: many reports at once into one table (:mod:`jixiao.batch`), with a progress bar and a
closing summary. Exit status as for ``check``: 0, 1 (an error-level finding), 2 (a file could not be
analysed, a rule failed, or the options are invalid)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from jixiao import batch
from jixiao.cli_common import (
    ConfigOption,
    DataOption,
    IgnoreOption,
    SelectOption,
    fail,
    review_options,
    use_data_option,
)
from jixiao.console import console, utf8_streams
from jixiao.review.registry import SEVERITY_NAMES
from jixiao.store.limits import AnalysisLimits

_KIND_CN = {"self_evaluation": "部门整体自评", "project_self_evaluation": "项目自评", "evaluation": "绩效评价",
            "final_accounts": "部门决算", "budget": "预算"}
_SEVERITY_CN = SEVERITY_NAMES


def _counter_table(title: str, counts, names=None, top: int = 10) -> Table:
    t = Table(title=title, title_justify="left")
    t.add_column("类别")
    t.add_column("数量", justify="right")
    for key, n in counts.most_common(top):
        t.add_row(escape(str((names or {}).get(key, key))), str(n))
    return t


def _print_summary(s: batch.Summary) -> None:
    out = console(stderr=True)
    rate = s.analysed / s.seconds if s.seconds else 0.0
    out.print(f"共 {s.total} 个文件：新分析 {s.analysed}，取自缓存 {s.cached}，无法分析 {s.errors}"
              + (f"，跳过其他类型文件 {s.skipped}" if s.skipped else "")
              + f"；用时 {s.seconds:.1f} 秒（{rate:.1f} 份/秒）")
    if s.ocr_pages:
        out.print(f"扫描件逐页并行 OCR 识别 {s.ocr_pages} 页")
    out.print(_counter_table("按报告类型", s.by_kind, _KIND_CN))
    out.print(_counter_table("按省份", s.by_province))
    out.print(_counter_table("审核发现（按级别）", s.by_severity, _SEVERITY_CN))
    if s.slowest:
        t = Table(title="最慢的文件", title_justify="left")
        t.add_column("秒", justify="right")
        t.add_column("文件")
        for sec, name in s.slowest:
            t.add_row(f"{sec:.2f}", escape(name))
        out.print(t)
    out.print(f"内存峰值：主进程 {s.parent_peak_mb:.0f} MB，分析进程 {s.worker_peak_mb:.0f} MB")
    out.print("输出：" + "、".join(escape(str(p)) for p in s.outputs))


def register(app: typer.Typer) -> None:
    """Add ``batch`` to the command line."""

    @app.command("batch")
    def batch_cmd(
        inputs: Annotated[list[str], typer.Argument(help="报告文件、目录（递归）、通配符、.zip 压缩包或对象存储地址（s3://桶/前缀/），可多个")],
        out: Annotated[Path, typer.Option("--out", "-o", help="输出文件：.parquet、.xlsx、.csv 或 .jsonl"
                                                            "（长表写在同名 _metrics/_items/_findings/_projects 文件或工作表）")],
        workers: Annotated[int, typer.Option("--workers", "-j", help="并行分析进程数（默认为 CPU 核数）")] = 0,
        resume: Annotated[bool, typer.Option("--resume", help="接着上次运行：缓存中已有结果（内容与流水线版本相同）的文件不再分析")] = False,
        errors: Annotated[Path | None, typer.Option("--errors", help="无法分析的文件及原因（CSV，默认为 输出名_errors.csv）")] = None,
        cache: Annotated[Path | None, typer.Option("--cache", help="结果缓存（SQLite，默认为输出目录下的 jixiao-cache.sqlite）")] = None,
        ray: Annotated[str | None, typer.Option("--ray", help="在 Ray 集群上运行：地址（ray://主机:10001、auto），local 为本机")] = None,
        timeout: Annotated[float | None, typer.Option("--timeout", help="单个文件的分析时限（秒，默认 300）")] = None,
        memory: Annotated[int | None, typer.Option("--memory-mb", help="单个分析进程的内存上限（MB，默认 2048）")] = None,
        select: SelectOption = None,
        ignore: IgnoreOption = None,
        config: ConfigOption = None,
        data: DataOption = None,
    ) -> None:
        """批量分析：一个省的全部报告，每份一行（事实、各级发现数、评分），另有绩效指标、项目、审核发现长表。

        结果按文件内容和流水线版本缓存，--resume 时不重复分析；中途被终止后再次运行不丢失已完成的结果。
        无法分析的文件写入错误文件（含中文原因），其余照常。退出码：0 无错误级发现；1 有错误级发现；
        2 有文件无法分析、有规则运行出错，或参数无效。
        """
        utf8_streams()
        use_data_option(data)
        options = review_options(config, select, ignore)
        limits = AnalysisLimits.from_env()
        if timeout is not None:
            limits = AnalysisLimits(**{**limits.to_dict(), "timeout_seconds": timeout})
        if memory is not None:
            limits = AnalysisLimits(**{**limits.to_dict(), "memory_mb": memory})
        run_options = batch.BatchOptions(
            pipeline=dataclasses.replace(options, score=True, data=data),
            workers=workers, resume=resume, cache=cache, ray=ray, limits=limits)
        bar = Progress(TextColumn("[bold]分析"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                       TextColumn("错误 {task.fields[errors]}"), TimeElapsedColumn(), TextColumn("剩余"),
                       TimeRemainingColumn(), console=console(stderr=True), transient=False)
        task = bar.add_task("batch", total=None, rate="", errors=0)

        def start(total: int) -> None:
            bar.update(task, total=total)

        def progress(p: batch.Progress) -> None:
            elapsed = bar.tasks[0].elapsed or 0.0
            rate = f"{p.done / elapsed:.1f} 份/秒" if elapsed > 0 else ""
            bar.update(task, completed=p.done, errors=p.errors, rate=rate)

        try:
            with bar:
                summary = batch.run_batch(inputs, out, run_options, errors_path=errors, on_start=start,
                                          on_progress=progress)
        except ValueError as err:
            fail(str(err))
        except OSError as err:
            fail(f"无法写入输出：{err.strerror or err}")
        except KeyboardInterrupt:
            console(stderr=True).print("已中断：已完成的结果保存在缓存中，加 --resume 再次运行即可接着分析。")
            raise typer.Exit(130) from None
        _print_summary(summary)
        raise typer.Exit(summary.exit_code)
