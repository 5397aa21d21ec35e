"""Login throttling, kept in the database (``login_throttle``) so several server processes share it.

Every attempt is counted *before* the password is checked, per account (``user:<name>``) and per
address (``ip:<addr>``); a success takes its count back. More than ``LIMITS[kind]`` attempts in
``WINDOW`` lock the key for ``BASE_LOCK`` doubled at each lock in a row (up to ``MAX_LOCK``). A locked
attempt is refused without checking the password (no argon2 work for an attacker), also when the
password is right.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jixiao.store.clock import aware
from jixiao.store.errors import ServiceError
from jixiao.store.models import LoginThrottle, utcnow

WINDOW = timedelta(minutes=15)
LIMITS = {"user": 5, "ip": 20}
BASE_LOCK = timedelta(minutes=5)
MAX_LOCK = timedelta(hours=24)
STALE = timedelta(days=1)


class LoginThrottled(ServiceError):
    """Too many failed logins for this account or address (HTTP 429)."""

    status = 429

    def __init__(self, until: datetime, now: datetime):
        self.minutes = max(1, math.ceil((until - now).total_seconds() / 60))
        super().__init__(f"登录失败次数过多，请 {self.minutes} 分钟后再试")


def keys(username: str, ip: str | None) -> list[str]:
    """The throttle keys of one attempt."""
    out = [f"user:{(username or '').strip().lower()[:150]}"]
    if ip:
        out.append(f"ip:{ip[:150]}")
    return out


def _ensure(db: Session, key: str, now: datetime) -> None:
    if db.get(LoginThrottle, key) is None:
        try:
            with db.begin_nested():
                db.add(LoginThrottle(key=key, failures=0, window_start=now, lockouts=0))
        except IntegrityError:  # created by a concurrent attempt
            pass


def _locked(db: Session, key: str, now: datetime) -> datetime | None:
    until = aware(db.scalar(select(LoginThrottle.locked_until).where(LoginThrottle.key == key)))
    return until if until is not None and until > now else None


def count_attempt(db: Session, attempt_keys: list[str]) -> None:
    """Count one attempt on each key (committed), or raise ``LoginThrottled`` when a key is locked.

    The count is raised by ``UPDATE … SET failures = failures + 1``, so concurrent attempts (several
    threads or server processes) are all counted: the row stays locked by the update until commit."""
    now = utcnow()
    for key in attempt_keys:
        _ensure(db, key, now)
    db.commit()
    lock_until = None
    table = LoginThrottle.__table__  # Core statements: no ORM evaluation of naive SQLite datetimes
    for key in attempt_keys:
        db.execute(update(table).where(table.c.key == key, table.c.window_start < now - WINDOW)
                   .values(failures=0, window_start=now))
        db.execute(update(table).where(table.c.key == key).values(failures=table.c.failures + 1))
        until = _locked(db, key, now)
        if until is not None:
            db.rollback()
            raise LoginThrottled(until, now)
        entry = db.get(LoginThrottle, key, populate_existing=True)
        if entry.failures > LIMITS[key.split(":", 1)[0]]:
            entry.lockouts += 1
            entry.locked_until = now + min(BASE_LOCK * 2 ** (entry.lockouts - 1), MAX_LOCK)
            entry.failures, entry.window_start = 0, now
            lock_until = max(lock_until or entry.locked_until, entry.locked_until)
    db.commit()
    if lock_until is not None:
        raise LoginThrottled(lock_until, now)


def succeeded(db: Session, attempt_keys: list[str]) -> None:
    """A right password: the account's count and locks are cleared; the address gets its attempt back.
    Rows idle for a day are deleted on the way (names tried once do not pile up)."""
    now = utcnow()
    table = LoginThrottle.__table__
    db.execute(delete(table).where(table.c.window_start < now - STALE,
                                   or_(table.c.locked_until.is_(None), table.c.locked_until < now)))
    for key in attempt_keys:
        row = db.get(LoginThrottle, key)
        if row is None:
            continue
        if key.startswith("user:"):
            row.failures, row.lockouts, row.locked_until = 0, 0, None
        else:
            row.failures = max(0, row.failures - 1)
    db.commit()
