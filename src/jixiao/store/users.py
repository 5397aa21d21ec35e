"""Accounts and API tokens: create, authenticate (throttled), change passwords, disable/enable;
tokens are kept as digests only, expire, can be listed and revoked.

Password policy (``password_problem``): at least ``MIN_PASSWORD`` characters, not only spaces, not one
character repeated, not the user name (nor containing it), not a well-known password.
A password change revokes every session and API token of the user; a disabled user cannot log in and
their sessions and tokens stop working.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from jixiao.auth import (
    DUMMY_HASH,
    HashingBusy,
    hash_password,
    needs_rehash,
    new_api_token,
    token_digest,
    verify_password,
)
from jixiao.store import throttle
from jixiao.store.clock import aware, iso
from jixiao.store.errors import InvalidInput, NotFound, PermissionDenied, ServiceError
from jixiao.store.models import ROLES, ApiToken, User, utcnow
from jixiao.store.regions import check_region
from jixiao.store.sessions import end_user_sessions
from jixiao.store.units import get_or_create_unit

_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 256
# well-known passwords long enough to pass the length rule (lower case; compared case-insensitively)
COMMON_PASSWORDS = frozenset({
    "1234567890", "0123456789", "12345678910", "123456789a", "a123456789", "1234567890a", "qwertyuiop",
    "1q2w3e4r5t", "1qaz2wsx3edc", "qwerty1234", "qwerty12345", "password12", "password123", "password1234",
    "passw0rd123", "admin12345", "admin123456", "administrator", "abc1234567", "abcd123456", "abcdefghij",
    "abcdefg123", "iloveyou12", "woaini1314", "woaini520", "5201314520", "zxcvbnm123", "asdfghjkl1",
    "qazwsxedc123", "aa12345678", "jixiao12345", "1234554321", "1122334455", "9876543210", "0987654321",
    "letmein123", "welcome123", "p@ssw0rd123", "changeme123",
})
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 3650
TOKEN_STATES = {"active": "有效", "revoked": "已撤销", "expired": "已过期"}


class LoginBusy(ServiceError):
    """Too many password checks at once: try again in a moment (HTTP 503)."""

    status = 503

    def __init__(self):
        super().__init__("服务器繁忙，请稍后再登录")


def password_problem(password: str | None, username: str = "") -> str | None:
    """Why ``password`` is not acceptable (Chinese), or None."""
    password = password or ""
    if not password.strip():
        return "密码不能为空或只有空格"
    if len(password) < MIN_PASSWORD:
        return f"密码至少 {MIN_PASSWORD} 位"
    if len(password) > MAX_PASSWORD:
        return f"密码不能超过 {MAX_PASSWORD} 位"
    if len(set(password)) == 1:
        return "密码不能由同一个字符重复组成"
    name = (username or "").strip().lower()
    if name and (password.lower() == name or (len(name) >= 4 and name in password.lower())):
        return "密码不能与用户名相同或包含用户名"
    if password.lower() in COMMON_PASSWORDS:
        return "密码过于常见，请换一个不易猜到的密码"
    return None


def _check_password(password: str, username: str) -> None:
    problem = password_problem(password, username)
    if problem:
        raise InvalidInput(problem)


def _hash(password: str) -> str:
    try:
        return hash_password(password)
    except HashingBusy:
        raise LoginBusy() from None


def create_user(db: Session, *, username: str, password: str, role: str, unit: str | None = None,
                region: str | None = None, display_name: str = "") -> User:
    """Create an account. ``unit`` (a unit name, created if new) is required for role ``unit``;
    ``region`` limits a reviewer to one province/city/county (checked against the gazetteer)."""
    if role not in ROLES:
        raise InvalidInput(f"未知的角色：{role}（可选：admin、reviewer、unit）")
    if not _USERNAME.match(username or ""):
        raise InvalidInput("用户名应为 2–64 位字母、数字或 _ . @ -")
    _check_password(password, username)
    if db.scalar(select(User.id).where(User.username == username)) is not None:
        raise InvalidInput(f"用户名“{username}”已存在")
    region = check_region(db, region) if role == "reviewer" else None
    unit_obj = None
    if role == "unit":
        if not unit:
            raise InvalidInput("单位填报人必须指定所属单位")
        unit_obj = get_or_create_unit(db, unit, commit=False)
    user = User(username=username, password_hash=_hash(password), role=role,
                unit_id=unit_obj.id if unit_obj else None, region=region,
                display_name=display_name or username, active=True)
    db.add(user)
    db.commit()
    return user


def first_admin(db: Session) -> User | None:
    """The oldest active administrator (who a command-line import is stored under by default)."""
    return db.scalar(select(User).where(User.role == "admin", User.active.is_(True)).order_by(User.id).limit(1))


def find_user(db: Session, username: str) -> User:
    """The account with this user name (active or not), or ``NotFound``."""
    user = db.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None:
        raise NotFound(f"用户“{username}”不存在")
    return user


def set_password(db: Session, username: str, password: str) -> User:
    """Set a new password; every session and API token of the user is revoked."""
    user = find_user(db, username)
    _check_password(password, user.username)
    user.password_hash = _hash(password)
    _revoke_all(db, user.id)
    db.commit()
    return user


def change_own_password(db: Session, user: User, old: str, new: str, *, ip: str | None = None) -> User:
    """A user changes their own password (the old one is checked, throttled like a login)."""
    if authenticate(db, user.username, old, ip=ip) is None:
        raise InvalidInput("原密码不正确")
    return set_password(db, user.username, new)


def _revoke_all(db: Session, user_id: int) -> None:
    end_user_sessions(db, user_id, commit=False)
    db.execute(update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked.is_(False))
               .values(revoked=True))


def set_user_active(db: Session, username: str, active: bool) -> User:
    """Disable or enable an account (the server's operator: ``jixiao user disable|enable``). A disabled
    user cannot log in; their sessions end and their API tokens are refused (they work again when the
    user is enabled, unless expired or revoked)."""
    user = find_user(db, username)
    user.active = bool(active)
    if not active:
        end_user_sessions(db, user.id, commit=False)
    db.commit()
    return user


def set_active(db: Session, actor: User, user_id: int, active: bool) -> User:
    """Disable or enable an account from the web (admin only; not one's own)."""
    if actor.role != "admin":
        raise PermissionDenied("只有管理员可以停用或启用用户")
    user = db.get(User, user_id)
    if user is None:
        raise NotFound("用户不存在")
    if user.id == actor.id and not active:
        raise InvalidInput("不能停用自己的账号")
    return set_user_active(db, user.username, active)


def authenticate(db: Session, username: str, password: str, *, ip: str | None = None) -> User | None:
    """The active user with this username and password, else None (the same answer for a wrong name
    and a wrong password). Throttled per account and per address (``throttle.LoginThrottled`` when
    locked: the password is then not checked). Upgrades an outdated hash."""
    username = (username or "").strip()
    keys = throttle.keys(username, ip)
    throttle.count_attempt(db, keys)
    user = db.scalar(select(User).where(User.username == username))
    try:
        if user is None or not user.active:
            verify_password(DUMMY_HASH, password or "")
            return None
        if not verify_password(user.password_hash, password or ""):
            return None
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
    except HashingBusy:
        raise LoginBusy() from None
    throttle.succeeded(db, keys)
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

def token_days() -> int:
    """The default lifetime of a new token: ``$JIXIAO_TOKEN_DAYS`` or 90 days."""
    try:
        days = int(os.environ.get("JIXIAO_TOKEN_DAYS") or DEFAULT_TOKEN_DAYS)
    except ValueError:
        days = DEFAULT_TOKEN_DAYS
    return min(max(days, 1), MAX_TOKEN_DAYS)


@dataclass
class TokenInfo:
    """One API token as shown in lists (never the token itself)."""

    id: int
    name: str
    created_at: str | None
    last_used_at: str | None
    expires_at: str | None
    state: str
    state_label: str

    def to_dict(self) -> dict:
        """As a JSON-ready dict."""
        return dict(self.__dict__)


def _state(row: ApiToken, now: datetime) -> str:
    if row.revoked:
        return "revoked"
    if row.expires_at is not None and aware(row.expires_at) <= now:
        return "expired"
    return "active"


def create_api_token(db: Session, user: User, name: str = "", days: int | None = None) -> str:
    """Create an API token for ``user`` valid ``days`` days (default ``token_days()``); returns the
    token itself (shown once, only its sha256 is kept)."""
    if days is None:
        days = token_days()
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise InvalidInput("有效天数应为整数") from None
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(f"有效天数应在 1 到 {MAX_TOKEN_DAYS} 之间")
    token = new_api_token()
    db.add(ApiToken(user_id=user.id, name=(name or "").strip()[:100], token_hash=token_digest(token),
                    expires_at=utcnow() + timedelta(days=days)))
    db.commit()
    return token


def user_for_token(db: Session, token: str | None) -> User | None:
    """The active user owning a valid token (not revoked, not expired), else None."""
    if not token or len(token) > 200:
        return None
    row = db.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token), ApiToken.revoked.is_(False)))
    now = utcnow()
    if row is None or _state(row, now) != "active":
        return None
    user = get_user(db, row.user_id)
    if user is not None:
        last = aware(row.last_used_at)
        if last is None or now - last > timedelta(minutes=5):  # throttled: no write per request
            row.last_used_at = now
            db.commit()
    return user


def list_api_tokens(db: Session, user: User) -> list[TokenInfo]:
    """The API tokens of ``user`` (names, dates and state; never the tokens)."""
    now = utcnow()
    out = []
    for row in db.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())):
        state = _state(row, now)
        out.append(TokenInfo(row.id, row.name, iso(row.created_at), iso(row.last_used_at), iso(row.expires_at),
                             state, TOKEN_STATES[state]))
    return out


def revoke_api_token(db: Session, user: User, token_id: int) -> None:
    """Revoke one of ``user``'s tokens (an admin may revoke anyone's)."""
    row = db.get(ApiToken, token_id)
    if row is None or (row.user_id != user.id and user.role != "admin"):
        raise NotFound("令牌不存在")
    row.revoked = True
    db.commit()
