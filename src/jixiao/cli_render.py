"""``jixiao render FILE... --as memo|table|report|html|summary -o OUT``: the documents of reports, through the
pipeline."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from jixiao import pipeline
from jixiao.cli_common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    ConfigOption,
    DataOption,
    fail,
    review_options,
    use_data_option,
)
from jixiao.console import console, utf8_streams
from jixiao.errors import IngestError, JixiaoError
from jixiao.render import KINDS, RenderInput, ReviewNote, default_name, render
from jixiao.render.summary import render_summary, rows_of

DECISIONS = {"approved": "审核通过", "returned": "退回修改", "in_review": "审核中", "pending": "待审核"}


def render_cmd(
    files: Annotated[list[Path], typer.Argument(help="报告文件（.docx/.pdf/.txt/.xlsx），可多个")],
    kind: Annotated[str, typer.Option("--as", help="生成什么：" + "；".join(
        f"{k} = {name}（{suffix}）" for k, (name, suffix) in KINDS.items()) + "；summary = 汇总分析报告（多份报告，.docx 与 .xlsx）")] = "memo",
    out: Annotated[Path | None, typer.Option("-o", "--out", help="输出文件或目录（默认：当前目录，按单位、年度命名）")] = None,
    framework: Annotated[str | None, typer.Option("--framework", help="评分框架（默认按省份、类型、年度选用）")] = None,
    template: Annotated[Path | None, typer.Option(
        "--template", help="自定义模板：审核意见书、报告修改稿、汇总分析报告为 .docx（如本单位红头，其内容置于文书之前），"
                           "自评表为样式文件（.yaml，同 data/sheets），证据报告为 Jinja2 HTML")] = None,
    fonts: Annotated[str, typer.Option("--fonts", help="official = 公文规定字体（仿宋_GB2312 等）；"
                                       "installed = 本机已安装的同类字体")] = "official",
    issuer: Annotated[str | None, typer.Option("--issuer", help="发文机关（默认取 render.yaml 的 memo.issuer）")] = None,
    day: Annotated[str | None, typer.Option("--date", help="成文日期 YYYY-MM-DD（默认今天）")] = None,
    decision: Annotated[str | None, typer.Option("--decision", help="审核结论：" + "、".join(
        f"{k}（{v}）" for k, v in DECISIONS.items()))] = None,
    comment: Annotated[list[str] | None, typer.Option("--comment", help="审核人员意见（可重复）")] = None,
    scope: Annotated[str, typer.Option("--scope", help="汇总分析报告的范围（标题用，如“2024年度全县”）")] = "本批",
    config: ConfigOption = None,
    data: DataOption = None,
) -> None:
    """生成文书：审核意见书（memo）、自评表（table）、报告修改稿（report）、证据报告（html），
    或多份报告的汇总分析报告（summary）。

    退出码：0 全部生成；2 有文件无法读取（其余照常生成）或参数无效。"""
    utf8_streams()
    use_data_option(data)
    if kind not in KINDS and kind != "summary":
        fail(f"--as {kind}：不支持的文书类型（可用：{'、'.join([*KINDS, 'summary'])}）")
    if fonts not in ("official", "installed"):
        fail(f"--fonts {fonts}：应为 official 或 installed")
    if decision is not None and decision not in DECISIONS:
        fail(f"--decision {decision}：应为 {'、'.join(DECISIONS)} 之一")
    if template is not None and not template.is_file():
        fail(f"{template}：模板文件不存在")
    if kind != "summary" and len(files) > 1 and out is not None and out.suffix:
        fail(f"{out}：多个报告请给输出目录")
    when = None
    if day:
        try:
            when = date.fromisoformat(day)
        except ValueError:
            fail(f"--date {day}：日期应写作 YYYY-MM-DD")
    reviewed = review_options(config, None, None)
    options = pipeline.Options(config=reviewed.config, select=reviewed.select, ignore=reviewed.ignore, score=True,
                               framework=framework)
    inputs, bad = [], False
    for file in files:
        try:
            analysis = pipeline.analyse(file, options)
        except IngestError as err:
            console(stderr=True).print(f"[bold red]错误[/]：{escape(err.path)}：{escape(err.reason)}")
            bad = True
            continue
        except JixiaoError as err:
            fail(str(err))
        inputs.append(RenderInput.of(analysis, review=ReviewNote(decision=decision, comments=list(comment or [])),
                                     issuer=issuer, day=when, source_name=file.name))
    if kind == "summary":
        if inputs:
            target = out if out is not None and out.suffix else (out or Path(".")) / f"{scope}汇总分析报告.docx"
            _write(lambda: render_summary(rows_of(inputs), target, scope=scope, issuer=issuer, day=when, fonts=fonts,
                                          template=template), "汇总分析报告", target, template)
            console().print(f"已生成汇总表：{escape(str(target.with_suffix('.xlsx')))}")
    else:
        for data_in in inputs:
            target = out if out is not None and out.suffix else (out or Path(".")) / default_name(data_in, kind)
            _write(lambda d=data_in, t=target: render(kind, d, t, template=template, fonts=fonts), KINDS[kind][0],
                   target, template)
    raise typer.Exit(EXIT_BAD_INPUT if bad else EXIT_OK)


def _write(make, name: str, target: Path, template: Path | None) -> None:
    try:
        written = make()
    except OSError as err:
        fail(f"{target}：无法写入（{err.strerror or err}）")
    except JixiaoError as err:
        fail(str(err))
    except Exception as err:  # noqa: BLE001 - a broken template is the user's to fix, told in Chinese
        fail(f"{template or name}：生成失败（{type(err).__name__}: {err}）")
    console().print(f"已生成{name}：{escape(str(written))}")


def register(app: typer.Typer) -> None:
    """Add ``render`` to the command line."""
    app.command("render")(render_cmd)
