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

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jixiao.store.clock import aware
from jixiao.store.errors import ServiceError
from jixiao.store.models import LoginThrottle, utcnow

WINDOW = timedelta(minutes=15)
LIMITS = {"user": 5, "ip": 20}
BASE_LOCK = timedelta(minutes=5)
MAX_LOCK = timedelta(hours=24)


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


def _row(db: Session, key: str, now: datetime) -> LoginThrottle:
    row = db.get(LoginThrottle, key, with_for_update=True)
    if row is None:
        try:
            with db.begin_nested():
                row = LoginThrottle(key=key, failures=0, window_start=now, lockouts=0)
                db.add(row)
        except IntegrityError:  # created by a concurrent attempt
            row = db.get(LoginThrottle, key, with_for_update=True)
    return row


def count_attempt(db: Session, attempt_keys: list[str]) -> None:
    """Count one attempt on each key (committed), or raise ``LoginThrottled`` when a key is locked."""
    now = utcnow()
    try:
        rows = [_row(db, k, now) for k in attempt_keys]
        for row in rows:
            until = aware(row.locked_until)
            if until is not None and until > now:
                raise LoginThrottled(until, now)
        lock_until = None
        for row in rows:
            if now - aware(row.window_start) > WINDOW:
                row.failures, row.window_start = 0, now
            row.failures += 1
            if row.failures > LIMITS[row.key.split(":", 1)[0]]:
                row.lockouts += 1
                row.locked_until = now + min(BASE_LOCK * 2 ** (row.lockouts - 1), MAX_LOCK)
                row.failures, row.window_start = 0, now
                lock_until = max(lock_until or row.locked_until, aware(row.locked_until))
        db.commit()
    except LoginThrottled:
        db.rollback()
        raise
    if lock_until is not None:
        raise LoginThrottled(lock_until, now)


def succeeded(db: Session, attempt_keys: list[str]) -> None:
    """A right password: the account's count and locks are cleared; the address gets its attempt back."""
    for key in attempt_keys:
        row = db.get(LoginThrottle, key)
        if row is None:
            continue
        if key.startswith("user:"):
            row.failures, row.lockouts, row.locked_until = 0, 0, None
        else:
            row.failures = max(0, row.failures - 1)
    db.commit()
