"""Database models (SQLAlchemy 2). SQLite by default, PostgreSQL for a province.

Report statuses follow the official workflow (任务下达 → 单位填报/上传 → 财政审核 → 查询汇总导出):
``pending`` 待审核 → ``in_review`` 审核中 → ``returned`` 退回修改 / ``approved`` 审核通过.
Analysis states: ``queued`` (stored, not yet analysed) → ``done`` / ``failed``.
Corrections are append-only; a report's effective values are the extracted ones overlaid with the
latest correction of each field, so they survive re-analysis.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES = {"admin": "管理员", "reviewer": "审核人员", "unit": "单位填报人"}
STATUSES = {"pending": "待审核", "in_review": "审核中", "returned": "退回修改", "approved": "审核通过"}
ANALYSIS = {"queued": "待分析", "done": "已分析", "failed": "失败"}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Unit(Base):
    """A budget unit (预算单位), e.g. 长沙市天心区司法局."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    province: Mapped[str | None] = mapped_column(String(50))
    city: Mapped[str | None] = mapped_column(String(50))
    county: Mapped[str | None] = mapped_column(String(50))


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))  # admin | reviewer | unit
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # unit users only
    # a reviewer sees the reports of this region (a province, city or county name); None = all
    region: Mapped[str | None] = mapped_column(String(50))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    unit: Mapped[Unit | None] = relationship()


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)  # sha256 of the token
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    user: Mapped[User] = relationship()


class Task(Base):
    """任务下达: a year's self-evaluation task for a set of units, with a deadline."""

    __tablename__ = "tasks"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    deadline: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    units: Mapped[list[TaskUnit]] = relationship(back_populates="task", cascade="all, delete-orphan")


class TaskUnit(Base):
    __tablename__ = "task_units"
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    task: Mapped[Task] = relationship(back_populates="units")
    unit: Mapped[Unit] = relationship()


class Report(Base):
    __tablename__ = "reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    # denormalised from the extraction (or the uploader's unit) for filtering and sorting
    unit_name: Mapped[str | None] = mapped_column(String(200))
    province: Mapped[str | None] = mapped_column(String(50))
    city: Mapped[str | None] = mapped_column(String(50))
    county: Mapped[str | None] = mapped_column(String(50))
    fiscal_year: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    analysis: Mapped[str] = mapped_column(String(16), default="queued")
    analysis_error: Mapped[str | None] = mapped_column(Text)
    filename: Mapped[str] = mapped_column(String(255))
    file_format: Mapped[str | None] = mapped_column(String(8))
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_size: Mapped[int] = mapped_column(Integer)
    original: Mapped[bytes] = mapped_column(LargeBinary)  # the file as uploaded, kept
    text: Mapped[str | None] = mapped_column(Text)  # normalised text all spans index
    extracted: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # Report.to_json() without findings
    findings: Mapped[list[Any] | None] = mapped_column(JSON)
    score: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    warning_count: Mapped[int] = mapped_column(Integer, default=0)
    analysed_with: Mapped[str | None] = mapped_column(String(32))  # jixiao version
    analysed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}  # optimistic locking: concurrent edits detected
    __table_args__ = (
        Index("ix_reports_filter", "fiscal_year", "province", "city", "county", "status"),
        Index("ix_reports_unit", "unit_id", "fiscal_year"),
        Index("ix_reports_created", "created_at"),
    )
    corrections: Mapped[list[Correction]] = relationship(back_populates="report", order_by="Correction.id")
    status_changes: Mapped[list[StatusChange]] = relationship(back_populates="report", order_by="StatusChange.id")


class Correction(Base):
    """An append-only correction of one extracted value: who, when, field, old, new, reason.

    ``field`` is a stable path: ``facts.basic_expenditure``, ``metrics.<kpi or label>@<start>``,
    ``project_items.<name>.actual``."""

    __tablename__ = "corrections"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    field: Mapped[str] = mapped_column(String(255))
    old_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    new_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    report: Mapped[Report] = relationship(back_populates="corrections")
    user: Mapped[User] = relationship()


class StatusChange(Base):
    """审核流程: every status change with the reviewer's comment."""

    __tablename__ = "status_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    report: Mapped[Report] = relationship(back_populates="status_changes")
    user: Mapped[User] = relationship()
