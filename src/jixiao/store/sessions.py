"""Server-side login sessions: the cookie carries only a random id; the ``sessions`` table keeps its
sha256 (a copy of the database gives no live cookie), the user, the expiry and when it was last used.

A session ends when it expires (``SESSION_HOURS`` after the login, or ``IDLE_HOURS`` without use),
on logout, on a password change and when the user is disabled (every session of that user).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from jixiao.store.clock import aware
from jixiao.store.models import LoginSession, User, utcnow

SESSION_HOURS = 12
IDLE_HOURS = 4
TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def new_session_id() -> str:
    """A random session id (also used, without a table row, for an anonymous visitor's CSRF token)."""
    return secrets.token_urlsafe(32)


def start_session(db: Session, user: User, *, user_agent: str = "", ip: str = "") -> str:
    """Store a new session for ``user``; returns its id (put it in the cookie, keep nothing else)."""
    session_id = new_session_id()
    now = utcnow()
    db.add(LoginSession(id_hash=_digest(session_id), user_id=user.id, created_at=now, last_seen_at=now,
                        expires_at=now + timedelta(hours=SESSION_HOURS), user_agent=(user_agent or "")[:200],
                        ip=(ip or "")[:64]))
    table = LoginSession.__table__  # Core: no ORM evaluation of naive SQLite datetimes
    db.execute(delete(table).where(table.c.expires_at < now))  # housekeeping
    db.commit()
    return session_id


def session_user(db: Session, session_id: str | None) -> User | None:
    """The active user of a live session, else None (an expired or idle session is deleted)."""
    if not session_id or len(session_id) > 100:
        return None
    row = db.get(LoginSession, _digest(session_id))
    if row is None:
        return None
    now = utcnow()
    if aware(row.expires_at) <= now or now - aware(row.last_seen_at) > timedelta(hours=IDLE_HOURS):
        db.delete(row)
        db.commit()
        return None
    if now - aware(row.last_seen_at) > TOUCH_EVERY:
        row.last_seen_at = now
        db.commit()
    user = db.get(User, row.user_id, options=[selectinload(User.unit)], populate_existing=True)
    return user if user is not None and user.active else None


def end_session(db: Session, session_id: str | None) -> None:
    """Delete one session (logout)."""
    if session_id:
        db.execute(delete(LoginSession).where(LoginSession.id_hash == _digest(session_id)))
        db.commit()


def end_user_sessions(db: Session, user_id: int, *, commit: bool = True) -> None:
    """Delete every session of a user (password change, user disabled)."""
    db.execute(delete(LoginSession).where(LoginSession.user_id == user_id))
    if commit:
        db.commit()


def list_sessions(db: Session, user: User) -> list[LoginSession]:
    """The live sessions of ``user``, newest first."""
    return list(db.scalars(select(LoginSession).where(LoginSession.user_id == user.id,
                                                      LoginSession.expires_at > utcnow())
                           .order_by(LoginSession.created_at.desc())))
