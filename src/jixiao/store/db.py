"""Engine factory and migrations.

``default_url()`` is a SQLite file under the data dir (``./jixiao-data/jixiao.db``, or
``$JIXIAO_DATA_DIR``), so ``jixiao serve`` with no options just works. SQLite connections get WAL,
``foreign_keys=ON``, ``busy_timeout`` and ``synchronous=NORMAL`` (durable against a killed process).
PostgreSQL is reached with ``postgresql+psycopg://…``; a bare ``postgresql://`` or ``postgres://`` URL
is rewritten to use psycopg 3.

Migrations are Alembic revisions in ``jixiao/store/migrations``, configured in code (no alembic.ini):
``upgrade(url)`` to head, ``downgrade(url, rev)``.
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_DATA_DIR = "jixiao-data"
MIGRATIONS = Path(__file__).with_name("migrations")


def data_dir() -> Path:
    """The folder for the default SQLite database and the session secret."""
    return Path(os.environ.get("JIXIAO_DATA_DIR") or DEFAULT_DATA_DIR)


def default_url(folder: Path | None = None) -> str:
    """The SQLite database in ``folder`` (default: the data dir)."""
    folder = Path(folder) if folder is not None else data_dir()
    return f"sqlite:///{(folder / 'jixiao.db').resolve()}"


def normalise_url(url: str | None) -> str:
    """Fill in the default and route PostgreSQL URLs to the psycopg 3 driver."""
    if not url:
        return default_url()
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def is_sqlite(url: str) -> bool:
    """Whether ``url`` names a SQLite database."""
    return make_url(normalise_url(url)).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL (None for in-memory or other databases)."""
    u = make_url(normalise_url(url))
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=15000", "synchronous=NORMAL"):
        cur.execute(f"PRAGMA {pragma}")
    cur.close()


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """Create the engine for ``url`` (default: the SQLite file under the data dir, created on demand)."""
    url = normalise_url(url)
    if is_sqlite(url):
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 15})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (``expire_on_commit=False``)."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str):
    """An Alembic ``Config`` built in code, pointing at the bundled migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None, rev: str = "head") -> None:
    """Migrate the database at ``url`` to ``rev`` (default: the newest revision)."""
    url = normalise_url(url)
    if (path := sqlite_path(url)) is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), rev)


def downgrade(url: str | None, rev: str) -> None:
    """Migrate the database at ``url`` down to ``rev`` (``base`` drops every table)."""
    command.downgrade(alembic_config(normalise_url(url)), rev)


def current_revision(url: str | None = None) -> str | None:
    """The revision the database is at (None when never migrated)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
