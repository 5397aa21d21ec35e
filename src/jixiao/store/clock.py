"""Time helpers: SQLite returns naive datetimes for ``DateTime(timezone=True)`` columns; they are UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime


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
