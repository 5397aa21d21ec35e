"""What the commands of :mod:`jixiao.cli` and :mod:`jixiao.cli_web` share: exit codes, the
``--data`` option and how a command stops on an error."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.markup import escape

from jixiao import pipeline
from jixiao.console import console
from jixiao.errors import JixiaoError
from jixiao.lexicon import data_dir, use_data, validate_all
from jixiao.review import load_config, resolve, selection, split_names
from jixiao.score import framework_ids, load_framework

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2

DataOption = Annotated[Path | None, typer.Option(
    "--data", help="用户数据目录：与 jixiao/data 同名的文件追加词表、覆盖设置，新增 KPI 指标包或评分框架"
                   "（也可用环境变量 JIXIAO_DATA；见 docs/data.md）")]

ConfigOption = Annotated[Path | None, typer.Option("--config", help="审核配置（YAML：阈值，以及 select/ignore）")]
SelectOption = Annotated[list[str] | None, typer.Option(
    "--select", help="只运行这些规则（规则名或代码，逗号分隔，可重复；如 sum-mismatch,J102）")]
IgnoreOption = Annotated[list[str] | None, typer.Option(
    "--ignore", help="不运行这些规则（规则名或代码，逗号分隔，可重复）")]


def fail(message: str) -> NoReturn:
    """Print ``错误：message`` on stderr and exit with 2."""
    console(stderr=True).print(f"[bold red]错误[/]：{escape(message)}")
    raise typer.Exit(EXIT_BAD_INPUT)


def use_data_option(folder: Path | None) -> None:
    """Apply ``--data`` (else ``JIXIAO_DATA``) and validate every data file once; an invalid file
    is reported (file, line, reason) and the command exits with 2."""
    try:
        if folder is not None:
            use_data(folder)
        if data_dir() is not None:
            validate_all()
            for fid in framework_ids():
                load_framework(fid)
    except JixiaoError as err:
        fail(str(err))


def review_options(config: Path | None, select: list[str] | None, ignore: list[str] | None) -> pipeline.Options:
    """The review options: the config file (thresholds, ``select``/``ignore``), then the command line's
    ``--select``/``--ignore``, which win. Unknown rule names exit with 2; retired ones are told."""
    try:
        cfg = load_config(config)
        chosen = split_names(select) if select else cfg.get("select")
        dropped = split_names(ignore) if ignore else (cfg.get("ignore") or [])
        for name in [*(chosen or []), *dropped]:
            r = resolve(name)
            if name not in (r.id, r.code) and name.upper() != r.code:
                console(stderr=True).print(f"[yellow]注意[/]：{escape(name)} 现为规则 {r.id}（{r.code}）")
        selection(chosen, dropped)
    except JixiaoError as err:
        fail(str(err))
    return pipeline.Options(config=cfg, select=chosen, ignore=tuple(dropped))
