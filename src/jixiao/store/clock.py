"""Time helpers: SQLite returns naive datetimes for ``DateTime(timezone=True)`` columns; they are UTC.
The store keeps UTC; what people read (pages, exports) is Beijing time (``BEIJING``, Asia/Shanghai)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def aware(dt: datetime | None) -> datetime | None:
    """``dt`` with its timezone (naive values from SQLite are UTC)."""
    if dt is None:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def iso(dt: datetime | None) -> str | None:
    """ISO 8601 text with the UTC offset, to the second (None stays None)."""
    dt = aware(dt)
    return dt.isoformat(timespec="seconds") if dt else None


def local_date(dt: datetime) -> date:
    """The calendar date of ``dt`` in the server's local timezone."""
    return aware(dt).astimezone().date()


def today() -> date:
    """Today in the server's local timezone."""
    return datetime.now().astimezone().date()


def beijing(dt: datetime | None) -> datetime | None:
    """``dt`` (naive = UTC) in Beijing time, or None."""
    dt = aware(dt)
    return dt.astimezone(BEIJING) if dt else None


def beijing_text(dt: datetime | None) -> str:
    """Beijing time as people write it, ``2025-04-18 14:05`` ("" for None)."""
    local = beijing(dt)
    return local.strftime("%Y-%m-%d %H:%M") if local else ""
