"""Uploads and their analysis: store the file, then queue or run its analysis; re-analysis; recovery after
a crash; the analysis state the upload page polls.

An upload is stored (``queued``) and committed before it is analysed. In the workspace the analysis is
queued (``enqueue``, see :mod:`jixiao.store.jobs`): a worker claims it (``claim_analysis``: ``queued`` →
``running``), analyses it in a child process and stores the outcome with :func:`record_analysis` — the
one function through which every analysis result reaches a report. Without a queue (the demo, tests)
``analyse_report`` analyses in the calling process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, load_only

from jixiao import __version__
from jixiao.ingest.archive import ArchiveError, open_archive, read_member, report_members
from jixiao.store import access
from jixiao.store.analysis import (
    StoredAnalysis,
    analyse_upload,
    check_upload,
    max_upload_bytes,
    safe_filename,
)
from jixiao.store.errors import ConflictError, InvalidInput, NotFound, PermissionDenied, UploadRejected
from jixiao.store.models import ANALYSIS, MAX_ID, Report, Task, TaskUnit, Unit, User, utcnow
from jixiao.store.reports import LIST_COLUMNS, committed, get_report, refresh_summary
from jixiao.store.submission import filename_of, find_duplicate, upload_notes

INTERRUPTED = "上传中断，未完成，请重新分析"
MAX_ARCHIVE_FILES = 5000  # report files of one uploaded .zip
Enqueue = Callable[[int], None]


@dataclass
class UploadResult:
    """The outcome for one uploaded file. ``stored`` is False when the file was refused before
    storing (``error`` says why); ``analysis`` is ``queued`` (analysed by a worker), ``done`` or
    ``failed`` (with ``error``)."""

    filename: str
    stored: bool
    report_id: int | None = None
    analysis: str | None = None
    error: str | None = None
    unit_name: str | None = None
    fiscal_year: int | None = None
    error_count: int = 0
    warning_count: int = 0
    # filing by content (store.filing): ok | unchecked | mismatch | confirmed, with the reasons
    filing_state: str | None = None
    filing_issues: list[str] = field(default_factory=list)
    filing_unchecked: list[str] = field(default_factory=list)
    duplicate_of: int | None = None  # a duplicate upload: the earlier report with the same content
    duplicate_name: str | None = None  # … and its file name
    check: dict = field(default_factory=dict, repr=False)  # the stored filing check

    def notes(self) -> dict:
        """The filing and duplicate notes of the upload's answer (store.submission.upload_notes)."""
        return upload_notes(self.filing_state, self.check, self.duplicate_of, self.duplicate_name)

    def to_dict(self) -> dict:
        """As a JSON-ready dict."""
        return asdict(self)


def store_upload(db: Session, actor: User, filename: str, data: bytes, *, task_id: int | None = None) -> Report:
    """Check and store one file as a ``queued`` report (committed before any analysis, so a crash
    leaves a row that ``recover_interrupted`` marks as not done)."""
    filename = safe_filename(filename)
    if actor.role == "unit" and actor.unit_id is None:
        raise PermissionDenied("账号未关联单位，不能上传")
    check_upload(filename, data)
    if task_id is not None:
        task_for_upload(db, actor, task_id)
    digest = hashlib.sha256(data).hexdigest()
    earlier = find_duplicate(db, actor, digest)
    report = Report(filename=filename, file_sha256=digest, file_size=len(data),
                    original=data, analysis="queued", status="pending", uploaded_by=actor.id, task_id=task_id,
                    duplicate_of=earlier.id if earlier is not None else None)
    if actor.role == "unit":
        unit = db.get(Unit, actor.unit_id)
        report.unit_id, report.unit_name = unit.id, unit.name
        report.province, report.city, report.county = unit.province, unit.city, unit.county
    db.add(report)
    db.commit()
    return report


def task_for_upload(db: Session, actor: User, task_id: int) -> Task:
    task = db.get(Task, task_id) if 1 <= task_id <= MAX_ID else None
    if task is None:
        raise NotFound("任务不存在")
    if actor.role == "unit":
        member = db.get(TaskUnit, (task_id, actor.unit_id))
        if member is None:
            raise NotFound("任务不存在")
    elif not any(access.unit_in_scope(actor, tu.unit) for tu in task.units):
        raise NotFound("任务不存在")  # a regional reviewer: a task of other regions only
    return task


def analyse_report(db: Session, report: Report) -> Report:
    """Analyse a stored report in this process and store the outcome (:func:`record_analysis`)."""
    return record_analysis(db, report, analyse_upload(report.filename, report.original))


def record_analysis(db: Session, report: Report | int, result: StoredAnalysis) -> Report | None:
    """Store the outcome of an analysis on the report: the results (``done``), or the Chinese reason
    (``failed``). Corrections are kept and re-applied; the report's version is bumped. Every analysis
    result reaches a report through this one function (the worker's, the inline one). A concurrent
    edit of the report is retried on a fresh copy; a report that no longer exists is skipped (None)."""
    report_id = report if isinstance(report, int) else report.id
    for attempt in range(3):
        if isinstance(report, int) or attempt:
            db.rollback()
            report = db.get(Report, report_id, populate_existing=True)
            if report is None:
                return None
        try:
            with committed(db):
                report.analysed_at = utcnow()
                report.analysed_with = __version__
                if result.error:
                    report.analysis, report.analysis_error = "failed", result.error
                else:
                    report.analysis, report.analysis_error = "done", None
                    report.file_format, report.text = result.file_format, result.text
                    report.extracted, report.findings, report.score = (result.extracted, result.findings,
                                                                       result.score)
                refresh_summary(db, report)
            return report
        except ConflictError:
            if attempt == 2:
                raise
    return report


def claim_analysis(db: Session, report_id: int) -> tuple[str, bytes] | None:
    """Mark a ``queued`` report ``running`` (one atomic UPDATE: of two workers given the same job only
    one gets it) and return its ``(filename, file bytes)``; None when it is not queued any more."""
    done = db.execute(update(Report).where(Report.id == report_id, Report.analysis == "queued")
                      .values(analysis="running", version=Report.version + 1)
                      .execution_options(synchronize_session=False))
    db.commit()
    if done.rowcount != 1:
        return None
    row = db.execute(select(Report.filename, Report.original).where(Report.id == report_id)).one_or_none()
    db.commit()  # the file is read: the connection goes back to the pool before the analysis
    return (row.filename, row.original) if row else None


def upload_files(db: Session, actor: User, files: Iterable[tuple[str, bytes]], *,
                 task_id: int | None = None, enqueue: Enqueue | None = None) -> list[UploadResult]:
    """Store several files, each independently (a refused file gets its Chinese reason and the others
    go on), then queue each one's analysis with ``enqueue`` — or, without a queue, analyse it here."""
    results = []
    for name, data in files:
        name = safe_filename(name)
        if name.lower().endswith(".zip"):
            results += _upload_archive(db, actor, name, data, task_id=task_id, enqueue=enqueue)
            continue
        try:
            report = store_upload(db, actor, name, data, task_id=task_id)
        except UploadRejected as err:
            results.append(UploadResult(filename=name, stored=False, error=err.message))
            continue
        if enqueue is not None:
            enqueue(report.id)
        else:
            analyse_report(db, report)
        results.append(upload_result(db, report))
    return results


def _upload_archive(db: Session, actor: User, name: str, data: bytes, *, task_id: int | None,
                    enqueue: Enqueue | None) -> list[UploadResult]:
    """An administrator's .zip (a county's submissions at once): each report file in it uploaded as if
    sent alone, read one by one with the upload size bound; a refused archive or member gets its reason."""
    if actor.role != "admin":
        return [UploadResult(filename=name, stored=False, error="只有管理员可以上传 .zip 压缩包，请逐个上传报告文件")]
    try:
        members, _ = report_members(data)
    except ArchiveError as err:
        return [UploadResult(filename=name, stored=False, error=err.reason)]
    if not members or len(members) > MAX_ARCHIVE_FILES:
        error = (f"压缩包中的报告文件过多（{len(members)} 个），一次最多 {MAX_ARCHIVE_FILES} 个" if members
                 else "压缩包中没有报告文件（.docx/.pdf/.txt/.xlsx）")
        return [UploadResult(filename=name, stored=False, error=error)]
    results = []
    with open_archive(data) as zf:
        for m in members:
            try:
                member_data = read_member(zf, m, max_upload_bytes())
            except ArchiveError as err:
                results.append(UploadResult(filename=safe_filename(m.name), stored=False, error=err.reason))
                continue
            results += upload_files(db, actor, [(m.name, member_data)], task_id=task_id, enqueue=enqueue)
    return results


def upload_result(db: Session, report: Report) -> UploadResult:
    """What the uploader is told about a stored report: its analysis, its filing check, a duplicate."""
    check = report.filing or {}
    return UploadResult(
        filename=report.filename, stored=True, report_id=report.id, analysis=report.analysis,
        error=report.analysis_error, unit_name=report.unit_name, fiscal_year=report.fiscal_year,
        error_count=report.error_count, warning_count=report.warning_count,
        filing_state=report.filing_state, filing_issues=[i["message"] for i in check.get("issues") or []],
        filing_unchecked=list(check.get("unchecked") or []), duplicate_of=report.duplicate_of,
        duplicate_name=filename_of(db, report.duplicate_of), check=check)


def reanalyse(db: Session, actor: User, report_id: int, *, enqueue: Enqueue | None = None) -> Report:
    """Analyse the stored original again (a newer extractor, a failed or interrupted analysis):
    queued with ``enqueue``, else here; corrections survive."""
    report = get_report(db, actor, report_id)
    refusal = access.reanalysis_refusal(actor, report)
    if refusal:
        raise PermissionDenied(refusal)
    if report.analysis in ("queued", "running"):
        raise InvalidInput("报告正在排队或分析中，请等分析结束后再重新分析")
    if enqueue is None:
        return analyse_report(db, report)
    with committed(db):
        report.analysis, report.analysis_error = "queued", None
    enqueue(report.id)
    return report


def requeue_interrupted(db: Session) -> list[int]:
    """Put reports left ``running`` by a crash back to ``queued``; return the ids of every ``queued``
    report, for the queue to take them again. Call at start-up, before the workers run."""
    db.execute(update(Report).where(Report.analysis == "running")
               .values(analysis="queued", version=Report.version + 1)
               .execution_options(synchronize_session=False))
    db.commit()
    return list(db.scalars(select(Report.id).where(Report.analysis == "queued").order_by(Report.id)))


def recover_interrupted(db: Session) -> int:
    """Without a queue: mark reports left ``queued`` or ``running`` by a crash as failed
    ("上传中断，未完成"); returns how many. (With a queue, :func:`requeue_interrupted` instead.)"""
    rows = list(db.scalars(select(Report).options(load_only(Report.id, Report.analysis, Report.analysis_error,
                                                            Report.version))
                           .where(Report.analysis.in_(("queued", "running")))))
    for r in rows:
        r.analysis, r.analysis_error = "failed", INTERRUPTED
    db.commit()
    return len(rows)


@dataclass
class AnalysisState:
    """Where the analysis of one report is (the upload page polls it)."""

    id: int
    filename: str
    analysis: str
    analysis_label: str
    error: str | None
    unit_name: str | None
    fiscal_year: int | None
    error_count: int
    warning_count: int
    notes: dict = field(default_factory=dict)  # filing by content and duplicates (store.submission.upload_notes)

    def to_dict(self) -> dict:
        """As a JSON-ready dict (the notes at the top level, as in an upload's answer)."""
        out = asdict(self)
        out.update(out.pop("notes"))
        return out


def analysis_states(db: Session, actor: User, report_ids: Iterable[int]) -> list[AnalysisState]:
    """The analysis state of the given reports that ``actor`` may see (others are left out), one small
    query over the list columns."""
    ids = sorted({int(i) for i in report_ids})[:200]
    if not ids:
        return []
    rows = db.execute(select(*LIST_COLUMNS, Report.filing).where(Report.id.in_(ids), access.visible_clause(actor))
                      .order_by(Report.id)).all()
    return [AnalysisState(id=r.id, filename=r.filename, analysis=r.analysis,
                          analysis_label=ANALYSIS.get(r.analysis, r.analysis), error=r.analysis_error,
                          unit_name=r.unit_name, fiscal_year=r.fiscal_year, error_count=r.error_count,
                          warning_count=r.warning_count,
                          notes=upload_notes(r.filing_state, r.filing, r.duplicate_of, filename_of(db, r.duplicate_of)))
            for r in rows]


def analysis_counts(db: Session, report_ids: Iterable[int]) -> dict[str, int]:
    """How many of these reports are in each analysis state (queued, running, done, failed); for an
    import that waits for its analyses (any number of ids)."""
    ids = sorted({int(i) for i in report_ids})
    counts: dict[str, int] = {}
    for start in range(0, len(ids), 500):
        for state, n in db.execute(select(Report.analysis, func.count()).where(Report.id.in_(ids[start:start + 500]))
                                   .group_by(Report.analysis)):
            counts[state] = counts.get(state, 0) + n
    db.commit()  # end the read: the workers write meanwhile
    return counts
