"""Bounded path, query and form parameters of the routes: ids, years and page numbers are checked
before any SQL runs, so ``99999999999999999999`` is a Chinese 422 (``app.py``'s validation handler),
never a database overflow and an English 500."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Path, Query

from jixiao.store.models import MAX_ID

MIN_YEAR, MAX_YEAR = 1900, 2200  # a filter year (fiscal years of reports)

ReportId = Annotated[int, Path(ge=1, le=MAX_ID, description="报告编号")]
TaskId = Annotated[int, Path(ge=1, le=MAX_ID, description="任务编号")]
YearQuery = Annotated[int | None, Query(ge=MIN_YEAR, le=MAX_YEAR, description="评价年度")]
TaskQuery = Annotated[int | None, Query(ge=1, le=MAX_ID, description="任务编号")]
PageQuery = Annotated[int, Query(ge=1, le=MAX_ID, description="页码，从 1 开始")]
PerPageQuery = Annotated[int, Query(ge=1, le=500, description="每页条数（1–500）")]
YearsQuery = Annotated[list[Annotated[int, Query(ge=MIN_YEAR, le=MAX_YEAR)]] | None,
                       Query(description="年度，可多个")]
TaskForm = Annotated[int | None, Form(ge=1, le=MAX_ID, description="所属任务（可选）")]
