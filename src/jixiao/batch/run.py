"""A batch run: the sources of the inputs analysed in parallel, each record stored in the cache as it
ends, then the outputs written from the cache in the order of the inputs.

Where they run is an executor (:mod:`jixiao.batch.executors`: child processes of this machine, or Ray tasks on a
cluster). Tasks are started with a bounded number in flight, so memory does not grow with the number of files.

A scanned file with several pages is read page by page in parallel: its analysis answers with the pages it would
OCR (:func:`jixiao.batch.records.analyse_record`), each page becomes a task of its own (its result kept in the cache,
so a rerun after a kill repeats no page), and once all are read the file is analysed with them. Pending pages go
before new files, so a long scan is spread over every worker instead of holding one.
"""

from __future__ import annotations

import os
import resource
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jixiao import pipeline
from jixiao.batch.cache import Cache, content_hash, pipeline_version
from jixiao.batch.executors import LocalExecutor, RayExecutor, Task
from jixiao.batch.outputs import check_format, table_paths, write_errors, writer
from jixiao.batch.records import analyse_record, error_record
from jixiao.batch.sources import Source, SourceError, close_archives, expand
from jixiao.store.analysis import (
    PAGES_ASKED_TWICE,
    max_upload_bytes,
    ocr_threads,
    page_failure,
    read_ocr_page,
)
from jixiao.store.limits import AnalysisLimits


@dataclass
class BatchOptions:
    """How a batch runs.

    Attributes:
        pipeline: the analysis options (rules, thresholds, scoring, data folder); scoring is on.
        workers: analysing processes (default: the machine's cores).
        resume: take the records the cache already holds for the same content and pipeline version.
        cache: the cache file (default: ``jixiao-cache.sqlite`` in the output's folder).
        ray: a Ray address (``local``, ``auto``, ``ray://host:10001``) to run on a cluster instead.
        limits: what one analysis may use (time, CPU, memory, text size).
    """

    pipeline: pipeline.Options = field(default_factory=lambda: pipeline.Options(score=True))
    workers: int = 0
    resume: bool = False
    cache: Path | None = None
    ray: str | None = None
    limits: AnalysisLimits = field(default_factory=AnalysisLimits.from_env)

    def worker_count(self) -> int:
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)


@dataclass
class Progress:
    """What the caller hears after each file: how many are done of how many, and errors so far."""

    done: int
    total: int
    errors: int
    cached: int
    source: str


@dataclass
class Summary:
    """The closing summary of a run."""

    total: int = 0
    analysed: int = 0
    cached: int = 0
    errors: int = 0
    skipped: int = 0
    seconds: float = 0.0
    by_kind: Counter = field(default_factory=Counter)
    by_province: Counter = field(default_factory=Counter)
    by_severity: Counter = field(default_factory=Counter)
    rules_failed: int = 0
    slowest: list[tuple[float, str]] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    ocr_pages: int = 0
    parent_peak_mb: float = 0.0
    worker_peak_mb: float = 0.0

    @property
    def exit_code(self) -> int:
        """As for ``check``: 2 when a file could not be analysed or a rule failed, 1 when a report has an
        error-level finding, else 0."""
        if self.errors or self.rules_failed:
            return 2
        return 1 if self.by_severity.get("error") else 0


@dataclass
class _Scan:
    """A file whose pages are being read in parallel: the pages still wanted and those read (page → JSON)."""

    name: str
    data: bytes
    wanted: set[int]
    read: dict[int, dict] = field(default_factory=dict)
    failed: bool = False


class _Schedule:
    """The tasks of one run: each file's analysis, and the pages of scanned files, kept ``in_flight`` at a time;
    each file's record goes to ``finish`` as it ends."""

    def __init__(self, executor, files: Iterator[tuple[str, str, bytes]], cache: Cache, version: str,
                 options: BatchOptions, finish: Callable[[str, dict[str, Any]], None], summary: Summary):
        self.executor, self.files, self.cache, self.version = executor, files, cache, version
        self.options, self.finish, self.summary = options, finish, summary
        self.ready: deque[tuple[str, Task]] = deque()  # tasks to start before new files
        self.scans: dict[str, _Scan] = {}
        # OCR threads of a task: the cores shared among the workers here; one per task on a cluster (a Ray task has a CPU)
        self.threads = 1 if options.ray else ocr_threads(options.worker_count())

    def _analysis(self, name: str, data: bytes, pages: dict[int, dict] | None = None) -> Task:
        opts = self.options
        return Task(analyse_record, (name, data, opts.limits, opts.pipeline, self.version, pages, self.threads), name)

    def _next(self) -> tuple[str, Task] | None:
        while self.ready:
            sha, task = self.ready.popleft()
            if sha not in self.scans or not self.scans[sha].failed:
                return sha, task
        item = next(self.files, None)
        if item is None:
            return None
        sha, name, data = item
        return sha, self._analysis(name, data)

    def run(self) -> None:
        pending: dict[Any, tuple[str, Task]] = {}
        while True:
            while len(pending) < self.executor.in_flight and (item := self._next()) is not None:
                pending[self.executor.submit(item[1])] = item
            if not pending:
                return
            tasks = {handle: task for handle, (_, task) in pending.items()}
            for handle, value, reason in self.executor.finished(tasks):
                sha, task = pending.pop(handle)
                if task.fn is read_ocr_page:
                    self._page_read(sha, task, value, reason)
                elif reason is not None:
                    self.finish(sha, error_record(reason, self.version))
                elif "pages_wanted" in value:
                    self._scan(sha, task, value["pages_wanted"])
                else:
                    scan = self.scans.pop(sha, None)
                    if scan is not None and value["ok"]:  # the file's time is its pages' and its analysis'
                        pages = sum(page.get("seconds") or 0.0 for page in scan.read.values())
                        value["row"]["seconds"] = round(value["row"]["seconds"] + pages, 4)
                    self.finish(sha, value)

    def _scan(self, sha: str, task: Task, pages: list[int]) -> None:
        """The analysis of ``sha`` wants ``pages`` read: take those the cache has, make tasks of the others."""
        name, data = task.args[0], task.args[1]
        if sha in self.scans:  # asked again with its pages given
            self.scans.pop(sha)
            self.finish(sha, error_record(PAGES_ASKED_TWICE, self.version))
            return
        scan = self.scans[sha] = _Scan(name, data, set(pages))
        for page in pages:
            stored = self.cache.get_page(sha, self.version, page)
            if stored is not None:
                scan.read[page] = stored
            else:
                self.ready.append((sha, Task(read_ocr_page, (data, page, self.threads), name)))
        self._maybe_analyse(sha, scan)

    def _page_read(self, sha: str, task: Task, value: dict | None, reason: str | None) -> None:
        scan, page = self.scans.get(sha), task.args[1]
        if scan is None or scan.failed:
            return
        if reason is not None:
            scan.failed, scan.data = True, b""
            self.finish(sha, error_record(page_failure(page, reason), self.version))
            return
        self.cache.put_page(sha, self.version, page, value)
        self.summary.ocr_pages += 1
        scan.read[page] = value
        self._maybe_analyse(sha, scan)

    def _maybe_analyse(self, sha: str, scan: _Scan) -> None:
        if scan.wanted <= scan.read.keys():
            self.ready.appendleft((sha, self._analysis(scan.name, scan.data, scan.read)))


def default_cache(out: Path) -> Path:
    """The cache file of an output when none is given: beside it."""
    return out.with_name("jixiao-cache.sqlite")


def run_batch(inputs: Iterable[str | Path], out: Path, options: BatchOptions | None = None, *,
              errors_path: Path | None = None, on_start: Callable[[int], None] | None = None,
              on_progress: Callable[[Progress], None] | None = None) -> Summary:
    """Analyse every report of ``inputs`` and write ``out`` (its long tables beside it) and the errors
    file; return the summary. ``on_start(total)`` is told the number of files first, ``on_progress`` each
    file as it ends. Raises ValueError (Chinese message) for an output format that does not exist."""
    options = options or BatchOptions()
    out = Path(out)
    check_format(out)  # before any work
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    expansion = expand(inputs)
    version = pipeline_version(options.pipeline)
    cache = Cache(options.cache or default_cache(out))
    summary = Summary(total=len(expansion.sources) + len(expansion.errors), skipped=expansion.skipped)
    if on_start:
        on_start(summary.total)
    entries: list[tuple[str, str | None, str | None]] = [(name, None, reason) for name, reason in expansion.errors]
    done = errors = len(expansion.errors)
    wanted: dict[str, list[str]] = {}  # content hash → the sources with it still to be analysed
    finished: set[str] = set()  # content hashes analysed in this run

    def tell(source: str) -> None:
        if on_progress:
            on_progress(Progress(done=done, total=summary.total, errors=errors, cached=summary.cached, source=source))

    def files() -> Iterator[tuple[str, str, bytes]]:
        nonlocal done, errors
        limit = max_upload_bytes()
        for src in expansion.sources:
            sha, data, reason = _read(src, limit)
            entries.append((src.name, sha, reason))
            if reason is not None:
                done, errors = done + 1, errors + 1
                tell(src.name)
                continue
            if sha in wanted:
                wanted[sha].append(src.name)
                continue
            if sha in finished or (options.resume and (stored := cache.get(sha, version)) is not None):
                done += 1
                if sha not in finished:
                    summary.cached += 1
                    errors += 0 if stored["ok"] else 1
                tell(src.name)
                continue
            wanted[sha] = [src.name]
            yield sha, src.name, data

    def finish(sha: str, record: dict[str, Any]) -> None:
        nonlocal done, errors
        cache.put(sha, version, record)
        finished.add(sha)
        summary.analysed += 1
        for name in wanted.pop(sha, []):
            done += 1
            errors += 0 if record["ok"] else 1
            tell(name)

    workers = options.worker_count()
    executor = (RayExecutor(options.ray, workers, options.limits) if options.ray
                else LocalExecutor(workers, options.limits))
    try:
        _Schedule(executor, files(), cache, version, options, finish, summary).run()
    finally:
        executor.close()
        close_archives()
    summary.worker_peak_mb = executor.worker_peak_mb
    summary.outputs = _write(out, errors_path, entries, cache, version, summary)
    cache.close()
    summary.seconds = time.perf_counter() - started
    summary.parent_peak_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return summary


def _read(src: Source, limit: int) -> tuple[str | None, bytes, str | None]:
    try:
        data = src.read(limit)
    except SourceError as err:
        return None, b"", err.reason
    if not data:
        return content_hash(data), data, "文件为空"
    return content_hash(data), data, None


def _write(out: Path, errors_path: Path | None, entries, cache: Cache, version: str, summary: Summary) -> list[Path]:
    """Write the outputs in the order of the inputs, from the cache; fill the summary's counts."""
    failed: list[tuple[str, str | None, str]] = []
    slowest: list[tuple[float, str]] = []
    w = writer(out)
    try:
        for name, sha, reason in entries:
            record = cache.get(sha, version) if reason is None and sha is not None else None
            if record is None:
                record = error_record(reason or "未能分析（运行被中断）", version)
            row = record["row"]
            if not record["ok"]:
                failed.append((name, sha, row["error"]))
            else:
                summary.by_kind[row.get("report_kind") or "未识别"] += 1
                summary.by_province[row.get("province") or "未识别"] += 1
                for sev in ("error", "warning", "info"):
                    summary.by_severity[sev] += row.get(f"findings_{sev}") or 0
                summary.rules_failed += row.get("rules_failed") or 0
                slowest = sorted([*slowest, (row.get("seconds") or 0.0, name)], reverse=True)[:5]
            w.add(name, sha, record)
    finally:
        w.close()
    summary.errors = len(failed)
    summary.slowest = slowest
    errors_path = errors_path or out.with_name(f"{out.stem}_errors.csv")
    write_errors(errors_path, failed)
    paths = [out] if out.suffix.lower() in (".xlsx", ".jsonl") else list(table_paths(out).values())
    return [*paths, errors_path]
