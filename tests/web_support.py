"""Fixtures and helpers for the store / API / permission tests (a pytest plugin, loaded from conftest).

Databases: ``db_url`` is parametrized over SQLite (a file in tmp_path) and PostgreSQL. For PostgreSQL
one fresh database is created per test session on the local server (``$JIXIAO_TEST_PG_URL``, default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``) and dropped afterwards; each test gets its own
schema in it. Without a reachable server the PostgreSQL cases are skipped with a message.

``world`` builds a small world on a fresh app: an admin, two reviewers (region 示例市 and 长沙市), two
unit users (示范区, 样板县) each with an API token, and one analysed report per unit.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
TXT_SAMPLE = SAMPLES / "示例市示范区司法局_2024年度部门整体支出绩效自评报告.txt"
DOCX_SAMPLE = SAMPLES / "示例省样板县司法局_2023年度部门整体支出绩效自评报告.docx"
XLSX_SAMPLE = SAMPLES / "示例市示范区司法局_2024年度整体支出绩效自评表.xlsx"
PG_SERVER = os.environ.get("JIXIAO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "pass-word-123"
# a task deadline the service accepts (at most 5 years ahead; 2999 is refused as absurd)
FUTURE_DEADLINE = date(date.today().year + 1, 12, 31).isoformat()
UNIT_A, UNIT_B = "示例市示范区司法局", "示例市样板县司法局"


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """argon2 with its production parameters costs ~0.2 s a hash; tests use the same algorithm with
    small parameters."""
    from argon2 import PasswordHasher

    from jixiao import auth

    saved = auth._hasher
    auth._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    auth._hasher = saved


@pytest.fixture(scope="session")
def pg_database():
    """A fresh PostgreSQL database for this test session (URL), dropped at the end; skips when the
    local server cannot be reached."""
    from sqlalchemy.engine import make_url

    try:
        admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as err:  # noqa: BLE001 - any failure means "no server here"
        pytest.skip(f"PostgreSQL 不可用（{PG_SERVER}）：{type(err).__name__}，跳过 PostgreSQL 用例")
    name = f"jixiao_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_url(pg_database):
    """A fresh schema in the session's PostgreSQL database (URL with ``search_path`` set)."""
    schema = f"t_{uuid.uuid4().hex[:10]}"
    engine = create_engine(pg_database, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"{pg_database}?options=-csearch_path%3D{schema}"
    with engine.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty database: SQLite file or PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jixiao.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'jixiao.db'}"


@dataclass
class Account:
    username: str
    id: int
    token: str
    role: str

    @property
    def auth(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class World:
    app: object
    client: object
    users: dict[str, Account] = field(default_factory=dict)
    report_a: int = 0  # 示范区's report (uploaded by unit_a)
    report_b: int = 0  # 样板县's report (uploaded by unit_b)

    def db(self):
        return self.app.state.session_factory()

    def login(self, username: str, client=None):
        """Log ``client`` in as ``username`` (a stored session and its cookie); returns the CSRF token."""
        return login_cookie(client or self.client, self.app, self.users[username].id)

    def detail(self, report_id: int, who: str = "admin") -> dict:
        r = self.client.get(f"/api/reports/{report_id}", headers=self.users[who].auth)
        assert r.status_code == 200, r.text
        return r.json()


def login_cookie(client, app, user_id: int) -> str:
    """Start a server-side session for ``user_id`` and set its cookie on ``client``; returns the
    session's CSRF token."""
    from jixiao.store import service
    from jixiao.store.models import User
    from jixiao.web.security import SESSION_COOKIE, csrf_for

    with app.state.session_factory() as s:
        sid = service.start_session(s, s.get(User, user_id))
    client.cookies.set(SESSION_COOKIE, sid)
    return csrf_for(app.state.settings.secret_key, sid)


def make_world(url: str, *, reports: bool = True) -> World:
    from fastapi.testclient import TestClient

    from jixiao.store import service
    from jixiao.web.app import create_app

    app = create_app(url, secret_key="test-secret-" + uuid.uuid4().hex)
    world = World(app=app, client=TestClient(app))
    specs = [("admin", "admin", None, None), ("reviewer", "reviewer", None, "示例市"),
             ("reviewer_far", "reviewer", None, "长沙市"), ("unit_a", "unit", UNIT_A, None),
             ("unit_b", "unit", UNIT_B, None)]
    with app.state.session_factory() as s:
        # the units first: a reviewer's region must be a known place (gazetteer or a stored unit's)
        service.get_or_create_unit(s, UNIT_A, "示例省", "示例市", "示范区")
        service.get_or_create_unit(s, UNIT_B, "示例省", "示例市", "样板县")
        for username, role, unit, region in specs:
            user = service.create_user(s, username=username, password=PASSWORD, role=role, unit=unit, region=region)
            world.users[username] = Account(username, user.id, service.create_api_token(s, user, "test"), role)
        if reports:
            a = service.upload_files(s, s.get(type(user), world.users["unit_a"].id), [(TXT_SAMPLE.name, TXT_SAMPLE.read_bytes())])
            b = service.upload_files(s, s.get(type(user), world.users["unit_b"].id), [(DOCX_SAMPLE.name, DOCX_SAMPLE.read_bytes())])
            world.report_a, world.report_b = a[0].report_id, b[0].report_id
    return world


@pytest.fixture
def world(db_url):
    w = make_world(db_url)
    yield w
    w.client.close()
    w.app.state.engine.dispose()


@pytest.fixture
def sqlite_world(sqlite_url):
    w = make_world(sqlite_url)
    yield w
    w.client.close()
    w.app.state.engine.dispose()
