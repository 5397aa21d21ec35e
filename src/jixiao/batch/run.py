"""A batch run: the sources of the inputs analysed in parallel, each record stored in the cache as it
ends, then the outputs written from the cache in the order of the inputs.

Where the analyses run is an *executor*:

* :class:`LocalExecutor` — child processes on this machine (:class:`jixiao.store.sandbox.Sandbox`: the
  workspace's pool, with its per-file CPU, memory and wall-clock limits, so a pathological file is
  stopped and reported as an error while the run goes on);
* :class:`RayExecutor` — Ray tasks on a cluster (``--ray ADDRESS``; ``local`` starts Ray on this
  machine). The same function makes the same record; a task past the time limit is cancelled.

Both take ``(key, name, bytes)`` jobs and yield ``(key, record)`` as analyses end, with a bounded
number in flight, so memory does not grow with the number of files.
"""

from __future__ import annotations

import concurrent.futures
import os
import resource
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jixiao import pipeline
from jixiao.batch.cache import Cache, content_hash, pipeline_version
from jixiao.batch.outputs import check_format, table_paths, write_errors, writer
from jixiao.batch.records import analyse_record, error_record
from jixiao.batch.sources import Source, SourceError, close_archives, expand
from jixiao.store.analysis import max_upload_bytes
from jixiao.store.limits import AnalysisLimits
from jixiao.store.sandbox import Sandbox, timeout_reason

Job = tuple[str, str, bytes]  # (content hash, file name, bytes)


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
    parent_peak_mb: float = 0.0
    worker_peak_mb: float = 0.0

    @property
    def exit_code(self) -> int:
        """As for ``check``: 2 when a file could not be analysed or a rule failed, 1 when a report has an
        error-level finding, else 0."""
        if self.errors or self.rules_failed:
            return 2
        return 1 if self.by_severity.get("error") else 0


def _top_up(pending: dict, jobs: Iterator[Job], limit: int, submit: Callable[[Job], tuple[Any, Any]]) -> bool:
    """Start jobs until ``limit`` are in flight (``pending``: handle → what the executor keeps of the job);
    False once the jobs are exhausted."""
    while len(pending) < limit:
        job = next(jobs, None)
        if job is None:
            return False
        handle, kept = submit(job)
        pending[handle] = kept
    return True


class LocalExecutor:
    """Analyses in child processes of this machine, under the limits."""

    def __init__(self, options: BatchOptions, version: str):
        self._sandbox = Sandbox(options.worker_count(), options.limits, max_tasks=500)
        self._options, self._version = options, version
        self.in_flight = options.worker_count() * 4
        self.worker_peak_mb = 0.0

    def _submit(self, job: Job) -> tuple[concurrent.futures.Future, tuple[str, str]]:
        key, name, data = job
        future = self._sandbox.submit(analyse_record, name, data, self._options.limits, self._options.pipeline,
                                      self._version)
        return future, (key, name)

    def run(self, jobs: Iterable[Job]) -> Iterator[tuple[str, dict[str, Any]]]:
        pending: dict[concurrent.futures.Future, tuple[str, str]] = {}
        jobs, more = iter(jobs), True
        while more or pending:
            more = more and _top_up(pending, jobs, self.in_flight, self._submit)
            if not pending:
                break
            done, _ = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                key, name = pending.pop(future)
                record, reason = self._sandbox.wait(future, name)
                if self._sandbox.last_usage is not None:
                    self.worker_peak_mb = max(self.worker_peak_mb, self._sandbox.last_usage.peak_rss_mb)
                yield key, record if reason is None else error_record(reason, self._version)

    def close(self) -> None:
        self._sandbox.close()


class RayExecutor:
    """Analyses as Ray tasks (one per file, no retry), on the cluster at ``address``."""

    def __init__(self, options: BatchOptions, version: str):
        import ray  # optional: only --ray runs on a cluster (an extra: pip install jixiao[cluster])

        self._ray = ray
        if not ray.is_initialized():
            if options.ray == "local":
                ray.init(num_cpus=options.worker_count(), include_dashboard=False, log_to_driver=False)
            else:
                ray.init(address=options.ray, log_to_driver=False)
        self._task = ray.remote(max_retries=0)(analyse_record)
        self._options, self._version = options, version
        self.in_flight = max(options.worker_count(), int(ray.cluster_resources().get("CPU", 1))) * 4
        self.worker_peak_mb = 0.0

    def _submit(self, job: Job) -> tuple[Any, tuple[str, float]]:
        key, name, data = job
        ref = self._task.remote(name, data, self._options.limits, self._options.pipeline, self._version)
        return ref, (key, time.monotonic())

    def run(self, jobs: Iterable[Job]) -> Iterator[tuple[str, dict[str, Any]]]:
        ray, lim = self._ray, self._options.limits
        pending: dict[Any, tuple[str, float]] = {}
        jobs, more = iter(jobs), True
        while more or pending:
            more = more and _top_up(pending, jobs, self.in_flight, self._submit)
            if not pending:
                break
            done, _ = ray.wait(list(pending), num_returns=1, timeout=1.0)
            for ref in done:
                key, _ = pending.pop(ref)
                try:
                    record = ray.get(ref)
                except Exception as err:  # noqa: BLE001 - a task that died is this file's error
                    record = error_record(f"分析任务失败（{type(err).__name__}），文件内容异常或过大，未分析", self._version)
                yield key, record
            now = time.monotonic()
            for ref, (key, started) in list(pending.items()):
                if now - started > lim.timeout_seconds:
                    ray.cancel(ref, force=True)
                    del pending[ref]
                    yield key, error_record(timeout_reason(lim), self._version)

    def close(self) -> None:
        pass  # the Ray instance belongs to the process (a local one ends with it)


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

    def jobs() -> Iterator[Job]:
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

    executor = RayExecutor(options, version) if options.ray else LocalExecutor(options, version)
    try:
        for sha, record in executor.run(jobs()):
            cache.put(sha, version, record)
            names = wanted.pop(sha, [])
            finished.add(sha)
            summary.analysed += 1
            for name in names:
                done += 1
                errors += 0 if record["ok"] else 1
                tell(name)
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
