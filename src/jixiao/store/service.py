"""The business operations of the review workspace in one namespace: the web pages, the JSON API and
the CLI call ``service.<operation>``. Each concern has its own module; this one only gathers them.

* accounts and API tokens — :mod:`jixiao.store.users`; login sessions — :mod:`jixiao.store.sessions`;
  login throttling — :mod:`jixiao.store.throttle`; reviewer regions — :mod:`jixiao.store.regions`; units — :mod:`jixiao.store.units`;
* reports (upload and analysis through the pipeline, re-analysis, list, detail, corrections, 确认归属) —
  :mod:`jixiao.store.reports`; the analysis queue and its workers — :mod:`jixiao.store.jobs` (limits:
  :mod:`jixiao.store.limits`, child processes: :mod:`jixiao.store.sandbox`); the filing check by content —
  :mod:`jixiao.store.filing`;
* tasks and the review workflow (also in bulk, resubmit, withdraw) — :mod:`jixiao.store.workflow`;
* the XLSX export — :mod:`jixiao.store.export`; the home page and the comparison —
  :mod:`jixiao.store.dashboard`.

Conventions: the first argument is a SQLAlchemy ``Session``; the second, where there is one, the acting
``User``; every operation that changes something commits before it returns (an upload is stored, then queued
or analysed); permissions are checked inside (``jixiao.store.access``); errors
are :mod:`jixiao.store.errors` exceptions with Chinese messages (``NotFound`` also for a report the
user may not see, so ids do not leak; ``ConflictError`` for optimistic locking).
"""

from __future__ import annotations

from jixiao.store.analysis import max_upload_bytes
from jixiao.store.dashboard import compare, compare_keys, compare_projects, dashboard, rule_codes, rule_titles
from jixiao.store.documents import report_document, task_summary
from jixiao.store.errors import (
    ConflictError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    ServiceError,
    UploadRejected,
)
from jixiao.store.export import export_xlsx
from jixiao.store.filing import STATES as FILING_STATES
from jixiao.store.models import ANALYSIS, ROLES, STATUSES, TRANSITIONS
from jixiao.store.regions import check_region
from jixiao.store.reports import (
    SEVERITIES,
    SORTS,
    FilterChoices,
    Page,
    ReportQuery,
    ReportRow,
    correct_value,
    filter_choices,
    get_report,
    list_reports,
    original_file,
    page_image,
    report_detail,
    report_row,
)
from jixiao.store.sessions import (
    end_session,
    end_user_sessions,
    list_sessions,
    new_session_id,
    session_user,
    start_session,
)
from jixiao.store.submission import find_duplicate
from jixiao.store.throttle import LoginThrottled
from jixiao.store.units import get_or_create_unit, list_units
from jixiao.store.uploads import (
    INTERRUPTED,
    AnalysisState,
    UploadResult,
    analyse_report,
    analysis_counts,
    analysis_states,
    claim_analysis,
    reanalyse,
    record_analysis,
    recover_interrupted,
    requeue_interrupted,
    store_upload,
    task_for_upload,
    upload_files,
)
from jixiao.store.users import (
    MIN_PASSWORD,
    TOKEN_STATES,
    LoginBusy,
    TokenInfo,
    authenticate,
    change_own_password,
    create_api_token,
    create_user,
    find_user,
    first_admin,
    get_user,
    list_api_tokens,
    list_users,
    password_problem,
    revoke_api_token,
    set_active,
    set_password,
    set_user_active,
    token_days,
    user_for_token,
)
from jixiao.store.workflow import (
    MAX_BULK,
    UNIT_STATES,
    BulkResult,
    bulk_change_status,
    change_status,
    confirm_filing,
    list_tasks,
    open_task,
    resubmit,
    task_progress,
    withdraw,
)

__all__ = [
    "TOKEN_STATES", "LoginBusy", "LoginThrottled", "TokenInfo", "change_own_password", "check_region",
    "end_session", "end_user_sessions", "list_sessions", "new_session_id", "password_problem", "session_user",
    "set_active", "start_session", "token_days", "find_user", "first_admin", "set_user_active",
    "ANALYSIS", "FILING_STATES", "INTERRUPTED", "AnalysisState", "MAX_BULK", "MIN_PASSWORD", "ROLES", "SEVERITIES",
    "SORTS", "STATUSES", "TRANSITIONS", "UNIT_STATES", "max_upload_bytes", "task_for_upload", "analysis_counts", "analysis_states", "claim_analysis", "record_analysis",
    "requeue_interrupted", "BulkResult", "bulk_change_status", "resubmit", "withdraw",
    "ConflictError", "FilterChoices", "InvalidInput", "NotFound", "Page", "PermissionDenied",
    "ReportQuery", "ReportRow", "ServiceError", "UploadRejected", "UploadResult", "analyse_report",
    "authenticate", "change_status", "compare", "compare_keys", "compare_projects", "confirm_filing", "correct_value", "create_api_token",
    "create_user", "dashboard", "export_xlsx", "filter_choices", "find_duplicate", "get_or_create_unit", "get_report",
    "get_user", "list_api_tokens", "list_reports", "list_tasks", "list_units", "list_users", "open_task",
    "original_file", "page_image", "reanalyse", "recover_interrupted", "report_detail", "report_document", "report_row",
    "revoke_api_token", "task_summary",
    "rule_codes", "rule_titles", "set_password", "store_upload", "task_progress", "upload_files",
    "user_for_token",
]
