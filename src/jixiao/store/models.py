"""Database models (SQLAlchemy 2). SQLite by default, PostgreSQL for a province.

Report statuses follow the official workflow (任务下达 → 单位填报/上传 → 财政审核 → 查询汇总导出):
``pending`` 待审核 → ``in_review`` 审核中 → ``returned`` 退回修改 / ``approved`` 审核通过.
Analysis states: ``queued`` (stored, not yet analysed) → ``running`` (a worker has it) → ``done`` /
``failed``.
Corrections are append-only; a report's effective values are the extracted ones overlaid with the
latest correction of each field, so they survive re-analysis.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
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
    MetaData,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

MAX_ID = 2**31 - 1  # the largest id (PostgreSQL ``integer``); larger ones from a URL are simply not found
ROLES = {"admin": "管理员", "reviewer": "审核人员", "unit": "单位填报人"}
STATUSES = {"pending": "待审核", "in_review": "审核中", "returned": "退回修改", "approved": "审核通过"}
ANALYSIS = {"queued": "待分析", "running": "分析中", "done": "已分析", "failed": "分析失败"}
# allowed status changes (from, to); a return needs a comment
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "pending": ("in_review", "returned", "approved"),
    "in_review": ("returned", "approved", "pending"),
    "returned": ("pending", "in_review"),
    "approved": ("in_review",),
}


def utcnow() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.now(UTC)


# constraint names are fixed from the first migration on, so Alembic batch mode (SQLite) can alter them
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
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
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # migration 0003; None = never
    user: Mapped[User] = relationship()


class LoginSession(Base):
    """A server-side session (migration 0003): the cookie holds only a random id, this table its sha256,
    so logging out, a password change or disabling the user ends it for good."""

    __tablename__ = "sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie's random id
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")


class LoginThrottle(Base):
    """Failed logins of one account (``user:<name>``) or one address (``ip:<addr>``) in the current
    window, and the lock that follows too many (migration 0003)."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    lockouts: Mapped[int] = mapped_column(Integer, default=0)  # locks in a row: each one lasts longer


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
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    warning_count: Mapped[int] = mapped_column(Integer, default=0)
    analysed_with: Mapped[str | None] = mapped_column(String(32))  # jixiao version
    analysed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    # migration 0005, filing by content (store.filing): ok | unchecked | mismatch | confirmed; None until
    # analysed. A ``mismatch`` report is not counted as its unit's submission (task progress, comparison).
    filing_state: Mapped[str | None] = mapped_column(String(16))
    # migration 0005: the earlier report with the same content (SHA-256) this upload repeats; a duplicate
    # is kept (nothing sent is lost) but never counted as a second submission
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    # the large columns come last: SQLite stores a row's columns in this order, and a small column
    # placed after a 100 KB value would be read by walking its overflow pages (slow list queries)
    text: Mapped[str | None] = mapped_column(Text)  # normalised text all spans index
    extracted: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # Report.to_json() without findings
    findings: Mapped[list[Any] | None] = mapped_column(JSON)
    score: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    filing: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # FilingCheck.to_json(): issues, unchecked
    original: Mapped[bytes] = mapped_column(LargeBinary)  # the file as uploaded, kept
    __mapper_args__ = {"version_id_col": version}  # optimistic locking: concurrent edits detected
    __table_args__ = (
        Index("ix_reports_filter", "fiscal_year", "province", "city", "county", "status"),
        Index("ix_reports_unit", "unit_id", "fiscal_year"),
        Index("ix_reports_created", "created_at"),
        # migration 0002: counts by status/analysis/severity from the index alone; sort by unit
        Index("ix_reports_state", "status", "analysis", "error_count", "warning_count"),
        Index("ix_reports_unit_name", "unit_name"),
        # migration 0005: duplicate uploads are found by their content hash
        Index("ix_reports_sha256", "file_sha256"),
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


# --- summary tables (migration 0002): derived from a report's extraction + corrections, rewritten on
# every analysis or correction, so the home page, the comparison and the export run as SQL over small
# rows instead of parsing each report's extracted JSON.


class FindingCount(Base):
    """How many findings of one rule and severity a report has (首页: findings by rule)."""

    __tablename__ = "finding_counts"
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    rule: Mapped[str] = mapped_column(String(64), primary_key=True)
    severity: Mapped[str] = mapped_column(String(16), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (Index("ix_finding_counts_rule", "rule"),)


class ReportValue(Base):
    """One effective value of a report: a fact (``facts.budget``) or the first metric of a KPI
    (``kpi.mediation.success_rate``), corrections applied. ``num`` for numbers, ``text`` for text
    facts (for a KPI, ``text`` is the label as written and ``unit`` its unit)."""

    __tablename__ = "report_values"
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    num: Mapped[Any] = mapped_column(Numeric(24, 6), nullable=True)
    text: Mapped[str | None] = mapped_column(String(500))
    unit: Mapped[str | None] = mapped_column(String(20))
    __table_args__ = (Index("ix_report_values_key", "key"),)
