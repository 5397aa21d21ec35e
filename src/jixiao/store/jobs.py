"""The analysis queue: an upload is stored, then queued; workers analyse it off the request path.

Jobs go through `huey <https://huey.readthedocs.io>`_, one small library with storage for both of
our databases: beside a SQLite database a SQLite queue file (``<数据库名>-queue.db`` in the same
folder); with PostgreSQL, tables ``jixiao_queue_*`` in the same database (``LISTEN``/``NOTIFY``, so
``jixiao worker`` processes on other machines share it). See docs/queue.md for the choice.

The database, not the queue, is the truth: a report's ``analysis`` is ``queued`` → ``running`` →
``done`` / ``failed``. A job only carries the report id; a worker claims the report (``queued`` →
``running``, one atomic UPDATE, so a job delivered twice is analysed once), reads the stored file,
closes its session, analyses the file in a :class:`~jixiao.store.sandbox.Sandbox` child with limits,
and stores the result through :func:`jixiao.store.uploads.record_analysis`. At start-up
(:meth:`JobQueue.recover`) reports left ``queued`` or ``running`` by a crash are queued again.

``JobQueue(url)`` only enqueues; :meth:`JobQueue.start` also runs ``workers`` worker threads in this
process (``jixiao serve`` does, ``--workers``), each driving one sandbox child; ``jixiao worker`` runs
:meth:`JobQueue.run` in the foreground.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from huey import MemoryHuey, PostgresHuey, SqliteHuey
from huey.consumer import Consumer
from sqlalchemy.engine import make_url

from jixiao.lexicon import data_dir
from jixiao.store import db as store_db
from jixiao.store import uploads
from jixiao.store.limits import AnalysisLimits
from jixiao.store.sandbox import Sandbox

log = logging.getLogger("jixiao.store")
QUEUE_NAME = "jixiao"


def _huey(url: str):
    """The huey instance storing the jobs of the database at ``url``."""
    url = store_db.normalise_url(url)
    if store_db.is_sqlite(url):
        path = store_db.sqlite_path(url)
        if path is None:  # an in-memory database: an in-memory queue (one process)
            return MemoryHuey(QUEUE_NAME, results=False)
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(QUEUE_NAME, results=False, filename=str(path.with_name(f"{path.stem}-queue.db")),
                          timeout=15)
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    return PostgresHuey(QUEUE_NAME, results=False, dsn=dsn, table_prefix="jixiao_queue")


class _EmbeddedConsumer(Consumer):
    """A huey consumer whose worker threads run inside another program (the web server): it leaves
    the program's signal handlers alone."""

    def _set_signal_handlers(self) -> None:
        pass


class JobQueue:
    """The analysis queue of one database (see the module docstring)."""

    def __init__(self, url: str, *, limits: AnalysisLimits | None = None):
        self.url = store_db.normalise_url(url)
        self.limits = limits or AnalysisLimits.from_env()
        self.huey = _huey(self.url)
        self._engine = None
        self._factory = None
        self._sandbox: Sandbox | None = None
        self._consumer: _EmbeddedConsumer | None = None
        self._stopping = threading.Event()
        self._data_folder = str(data_dir()) if data_dir() is not None else None
        self._task = self.huey.task(name="analyse_report")(self._run)

    # --- producing --------------------------------------------------------------------------------

    def enqueue(self, report_id: int) -> None:
        """Queue the analysis of a stored (``queued``) report."""
        self._task(int(report_id))

    def recover(self, session_factory) -> int:
        """Queue again what a crash left ``queued`` or ``running``; returns how many. Call at start-up."""
        with session_factory() as db:
            ids = uploads.requeue_interrupted(db)
        self.huey.flush()  # the database is the truth: each unfinished report is queued once again
        for rid in ids:
            self.enqueue(rid)
        return len(ids)

    # --- consuming --------------------------------------------------------------------------------

    def start(self, workers: int = 2) -> None:
        """Run ``workers`` worker threads (each driving one analysing child) in this process."""
        if workers < 1 or self._consumer is not None:
            return
        self._open(workers)
        self._consumer = _EmbeddedConsumer(self.huey, workers=workers, worker_type="thread", periodic=False,
                                           initial_delay=0.05, backoff=1.3, max_delay=0.5,
                                           check_worker_health=False)
        self._consumer.start()

    def run(self, workers: int = 2) -> None:
        """Run workers in the foreground until SIGINT/SIGTERM (``jixiao worker``)."""
        self._open(workers)
        consumer = Consumer(self.huey, workers=workers, worker_type="thread", periodic=False,
                            initial_delay=0.05, backoff=1.3, max_delay=0.5)
        try:
            consumer.run()
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop the workers (an analysis in progress stays ``running`` and is queued again at the next
        start) and the analysing children."""
        self._stopping.set()
        if self._consumer is not None:
            self._consumer.stop_flag.set()
            for _, thread in self._consumer.worker_threads:
                thread.join(timeout=2)
            self._consumer = None
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        self.huey.storage.close()

    def _open(self, workers: int) -> None:
        self._stopping.clear()
        self._engine = store_db.make_engine(self.url, pool_size=max(2, workers), max_overflow=2)
        self._factory = store_db.session_factory(self._engine)
        self._sandbox = Sandbox(workers, self.limits)

    def _run(self, report_id: int) -> None:
        """One job: claim the report, analyse its file in a child (no database connection held
        meanwhile), store the result."""
        with self._factory() as db:
            claimed = uploads.claim_analysis(db, report_id)
        if claimed is None:  # already analysed, withdrawn, or claimed by another worker
            return
        filename, data = claimed
        result = self._sandbox.analyse(filename, data, self._data_folder)
        if self._stopping.is_set():
            return  # interrupted by a shutdown: stays running, queued again at the next start
        with self._factory() as db:
            uploads.record_analysis(db, report_id, result)


def queue_path(url: str) -> Path | None:
    """The SQLite queue file of a SQLite database URL (None otherwise)."""
    path = store_db.sqlite_path(url)
    return path.with_name(f"{path.stem}-queue.db") if path is not None else None
