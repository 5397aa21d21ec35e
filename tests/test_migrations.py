"""Alembic migrations on SQLite and PostgreSQL: upgrade → downgrade → upgrade, the migrated schema equals
the models, and data stored at an older revision survives the upgrade."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from jixiao.store import db as store_db
from jixiao.store.models import Base

TABLES = {"units", "users", "api_tokens", "tasks", "task_units", "reports", "corrections", "status_changes",
          "finding_counts", "report_values", "sessions", "login_throttle"}


def _tables(url: str) -> set[str]:
    engine = store_db.make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def _columns(url: str, table: str) -> set[str]:
    engine = store_db.make_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


def _diff(url: str) -> list:
    engine = store_db.make_engine(url)
    try:
        with engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(db_url):
    assert store_db.current_revision(db_url) is None
    store_db.upgrade(db_url)
    assert store_db.current_revision(db_url) == "0005"
    assert _tables(db_url) == TABLES
    assert _diff(db_url) == []  # the migrations build exactly the models' schema
    store_db.downgrade(db_url, "0002")
    assert not {"filing_state", "filing"} & _columns(db_url, "reports")
    assert _tables(db_url) == TABLES - {"sessions", "login_throttle"}
    store_db.upgrade(db_url)
    assert {"filing_state", "filing"} <= _columns(db_url, "reports") and _diff(db_url) == []
    store_db.downgrade(db_url, "0001")
    assert _tables(db_url) == TABLES - {"finding_counts", "report_values", "sessions", "login_throttle"}
    store_db.downgrade(db_url, "base")
    assert _tables(db_url) == set() and store_db.current_revision(db_url) is None
    store_db.upgrade(db_url)
    assert _tables(db_url) == TABLES and _diff(db_url) == []
    store_db.upgrade(db_url)  # idempotent at head
    assert store_db.current_revision(db_url) == "0005"


def test_data_survives_upgrade(db_url):
    store_db.upgrade(db_url, "0001")
    engine = store_db.make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO units (id, name) VALUES (1, '示例单位')"))
            conn.execute(text(
                "INSERT INTO reports (id, unit_id, status, analysis, filename, file_sha256, file_size, original, "
                "error_count, warning_count, created_at, updated_at, version) VALUES (1, 1, 'pending', 'done', "
                "'a.txt', 'x', 3, :b, 0, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"), {"b": b"abc"})
        store_db.upgrade(db_url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT filename, original FROM reports")).one() == ("a.txt", b"abc")
    finally:
        engine.dispose()


def test_sqlite_pragmas(sqlite_url):
    engine = store_db.make_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
    finally:
        engine.dispose()


def test_urls(tmp_path, monkeypatch):
    assert store_db.normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert store_db.normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert store_db.normalise_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JIXIAO_DATA_DIR", raising=False)
    assert store_db.normalise_url(None) == f"sqlite:///{tmp_path / 'jixiao-data' / 'jixiao.db'}"
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path / "d"))
    assert store_db.sqlite_path(store_db.default_url()) == tmp_path / "d" / "jixiao.db"
    store_db.upgrade()  # the default database is created on demand
    assert (tmp_path / "d" / "jixiao.db").exists()
