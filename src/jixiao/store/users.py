"""Accounts and API tokens: create, authenticate, change passwords; tokens are kept as digests only."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from jixiao.auth import DUMMY_HASH, hash_password, needs_rehash, new_api_token, token_digest, verify_password
from jixiao.store.clock import aware
from jixiao.store.errors import InvalidInput, NotFound, PermissionDenied
from jixiao.store.models import ROLES, ApiToken, User, utcnow
from jixiao.store.units import get_or_create_unit

_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
MIN_PASSWORD = 8


def create_user(db: Session, *, username: str, password: str, role: str, unit: str | None = None,
                region: str | None = None, display_name: str = "") -> User:
    """Create an account. ``unit`` (a unit name, created if new) is required for role ``unit``;
    ``region`` limits a reviewer to one province/city/county."""
    if role not in ROLES:
        raise InvalidInput(f"未知的角色：{role}（可选：admin、reviewer、unit）")
    if not _USERNAME.match(username or ""):
        raise InvalidInput("用户名应为 2–64 位字母、数字或 _ . @ -")
    _check_password(password)
    if db.scalar(select(User.id).where(User.username == username)) is not None:
        raise InvalidInput(f"用户名“{username}”已存在")
    unit_obj = None
    if role == "unit":
        if not unit:
            raise InvalidInput("单位填报人必须指定所属单位")
        unit_obj = get_or_create_unit(db, unit, commit=False)
    user = User(username=username, password_hash=hash_password(password), role=role,
                unit_id=unit_obj.id if unit_obj else None, region=(region or None) if role != "unit" else None,
                display_name=display_name or username, active=True)
    db.add(user)
    db.commit()
    return user


def _check_password(password: str) -> None:
    if not password or len(password) < MIN_PASSWORD:
        raise InvalidInput(f"密码至少 {MIN_PASSWORD} 位")


def set_password(db: Session, username: str, password: str) -> User:
    """Set a new password (ends the user's other sessions: see ``auth.password_fingerprint``)."""
    user = db.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"用户“{username}”不存在")
    _check_password(password)
    user.password_hash = hash_password(password)
    db.commit()
    return user


def authenticate(db: Session, username: str, password: str) -> User | None:
    """The active user with this username and password, else None (the same answer for a wrong name
    and a wrong password). Upgrades an outdated hash."""
    user = db.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None or not user.active:
        verify_password(DUMMY_HASH, password or "")
        return None
    if not verify_password(user.password_hash, password or ""):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.commit()
    return user


def get_user(db: Session, user_id: int | None) -> User | None:
    """The active user with this id (with its unit loaded), or None."""
    if user_id is None:
        return None
    user = db.get(User, user_id, options=[selectinload(User.unit)])
    return user if user is not None and user.active else None


def list_users(db: Session, actor: User) -> list[User]:
    """Every account (admin only)."""
    if actor.role != "admin":
        raise PermissionDenied("只有管理员可以管理用户")
    return list(db.scalars(select(User).options(selectinload(User.unit)).order_by(User.id)))


# --- API tokens ---------------------------------------------------------------------------------

def create_api_token(db: Session, user: User, name: str = "") -> str:
    """Create an API token for ``user``; returns the token itself (shown once, only its sha256 is kept)."""
    token = new_api_token()
    db.add(ApiToken(user_id=user.id, name=(name or "")[:100], token_hash=token_digest(token)))
    db.commit()
    return token


def user_for_token(db: Session, token: str | None) -> User | None:
    """The active user owning a valid, non-revoked token, else None."""
    if not token:
        return None
    row = db.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token), ApiToken.revoked.is_(False)))
    if row is None:
        return None
    user = get_user(db, row.user_id)
    if user is not None:
        now = utcnow()
        last = aware(row.last_used_at)
        if last is None or now - last > timedelta(minutes=5):  # throttled: no write per request
            row.last_used_at = now
            db.commit()
    return user


def list_api_tokens(db: Session, user: User) -> list[ApiToken]:
    """The API tokens of ``user`` (their digests, names and dates)."""
    return list(db.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))


def revoke_api_token(db: Session, user: User, token_id: int) -> None:
    """Revoke one of ``user``'s tokens (an admin may revoke anyone's)."""
    row = db.get(ApiToken, token_id)
    if row is None or (row.user_id != user.id and user.role != "admin"):
        raise NotFound("令牌不存在")
    row.revoked = True
    db.commit()
