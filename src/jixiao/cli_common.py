"""What the commands of :mod:`jixiao.cli` and :mod:`jixiao.cli_web` share: exit codes, the
``--data`` option and how a command stops on an error."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.markup import escape

from jixiao.console import console
from jixiao.errors import JixiaoError
from jixiao.lexicon import data_dir, use_data, validate_all
from jixiao.score import framework_ids, load_framework

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2

DataOption = Annotated[Path | None, typer.Option(
    "--data", help="用户数据目录：与 jixiao/data 同名的文件追加词表、覆盖设置，新增 KPI 指标包或评分框架"
                   "（也可用环境变量 JIXIAO_DATA；见 docs/data.md）")]


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
