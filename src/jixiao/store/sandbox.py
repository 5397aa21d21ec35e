"""Analyses in child processes with limits, so one pathological file cannot take the server's memory
or time.

A :class:`Sandbox` is a pool of child processes (:mod:`pebble`, started through a fork server that
has the pipeline imported, so a child starts in milliseconds). Each analysis runs in one child with

* ``RLIMIT_AS`` — the child's address space (``memory_mb``): an allocation past it fails with
  ``MemoryError`` in the child, never in the server;
* ``RLIMIT_CPU`` — CPU seconds of this analysis (``cpu_seconds``, counted from what the child had
  used before it): past it the kernel stops the child with SIGXCPU;
* a wall-clock timeout (``timeout_seconds``): the child is stopped;
* the text limits of :func:`jixiao.store.analysis.content_refusal` and the ZIP limits of
  :mod:`jixiao.ingest.zipguard`, checked inside the child.

Whatever happens, :meth:`Sandbox.analyse` returns a :class:`StoredAnalysis`: the result, or a Chinese
reason naming the limit. A child that died is replaced by the pool; the others go on.
"""

from __future__ import annotations

import ctypes
import logging
import math
import multiprocessing
import resource
import signal
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

from pebble import ProcessExpired, ProcessPool

from jixiao.store.analysis import (
    MEMORY_REASON,
    PAGES_ASKED_TWICE,
    StoredAnalysis,
    analyse_upload,
    internal_reason,
    ocr_threads,
    out_of_memory,
    page_failure,
    read_ocr_page,
)
from jixiao.store.limits import AnalysisLimits

log = logging.getLogger("jixiao.store")
M_ARENA_MAX = -8  # glibc's mallopt parameter
_context_lock = threading.Lock()
_context = None


@dataclass
class Usage:
    """What the child had used when the analysis ended: peak resident memory (over the child's life,
    in MB) and CPU seconds of this analysis."""

    peak_rss_mb: float
    cpu_seconds: float


def _cpu_used() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _init_child(memory_mb: int) -> None:
    """In each new child: cap its address space; SIGINT is the parent's business. glibc's malloc keeps at most two
    arenas, so that the cap measures memory used rather than the 64 MB each new thread's arena reserves (OCR runs
    ONNX Runtime's threads: 2.0 GB of address space for 0.5 GB resident, 1.6 GB with two arenas)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _limit_malloc_arenas()
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = memory_mb * 2**20
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _limit_malloc_arenas(arenas: int = 2) -> None:
    """``mallopt(M_ARENA_MAX, arenas)`` where the C library is glibc; elsewhere nothing."""
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(M_ARENA_MAX, arenas)
    except (OSError, AttributeError):
        pass


def _child(fn, cpu_seconds: int, *args):
    """``fn(*args)`` in the child: its CPU limit counts from what the child used before."""
    before = _cpu_used()
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = math.ceil(before + cpu_seconds)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
    result = fn(*args)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result, Usage(peak_rss_mb=round(peak, 1), cpu_seconds=round(_cpu_used() - before, 3))


def _mp_context():
    """A fork server with the pipeline imported (a fork of the threaded server would be unsafe; a
    fresh interpreter per child would be slow)."""
    global _context
    with _context_lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["jixiao.store.lean", "jixiao.store.sandbox", "jixiao.store.lean_done"])
            _context = ctx
        return _context


def timeout_reason(limits: AnalysisLimits) -> str:
    """The Chinese reason of an analysis stopped at the wall-clock limit."""
    return f"分析超时（超过 {limits.timeout_seconds:g} 秒），文件内容异常或过大，未分析"


class Sandbox:
    """``workers`` child processes analysing with ``limits``; a child is replaced after ``max_tasks``
    analyses (its heap does not grow without end)."""

    def __init__(self, workers: int = 2, limits: AnalysisLimits | None = None, *, max_tasks: int = 25):
        self.limits = limits or AnalysisLimits.from_env()
        self.workers = max(1, int(workers))
        self._pool = ProcessPool(max_workers=self.workers, max_tasks=max_tasks, initializer=_init_child,
                                 initargs=(self.limits.memory_mb,), context=_mp_context())
        self.last_usage: Usage | None = None

    def analyse(self, filename: str, data: bytes, data_folder: str | None = None) -> StoredAnalysis:
        """Analyse one file in a child; never raises for the file's sake (the reason is returned). A scan with several
        pages to OCR has each page read in a child of its own (in parallel, each under the limits), then the file
        analysed with them."""
        threads = ocr_threads(self.workers)
        future = self.submit(analyse_upload, filename, data, self.limits, data_folder, None, threads, True)
        result, reason = self.wait(future, filename)
        if reason is None and result.pages_wanted:
            pages, reason = self._read_pages(filename, data, result.pages_wanted, threads)
            if reason is None:
                future = self.submit(analyse_upload, filename, data, self.limits, data_folder, pages, threads)
                result, reason = self.wait(future, filename)
        if reason is None and result.pages_wanted:
            reason = PAGES_ASKED_TWICE
        return StoredAnalysis(error=reason) if reason is not None else result

    def _read_pages(self, filename: str, data: bytes, wanted: list[int], threads: int
                    ) -> tuple[dict[int, dict], str | None]:
        futures = {page: self.submit(read_ocr_page, data, page, threads) for page in wanted}
        pages: dict[int, dict] = {}
        for page, future in futures.items():
            value, reason = self.wait(future, filename)
            if reason is not None:
                for other in futures.values():
                    other.cancel()
                return {}, page_failure(page, reason)
            pages[page] = value
        return pages, None

    def submit(self, fn, *args) -> Future:
        """Start ``fn(*args)`` (a picklable module-level function) in a child under the limits; the
        future's result is ``(value, Usage)`` (:meth:`wait` turns it into a value or a reason)."""
        lim = self.limits
        return self._pool.schedule(_child, args=(fn, lim.cpu_seconds, *args), timeout=lim.timeout_seconds)

    def wait(self, future: Future, filename: str) -> tuple[Any, str | None]:
        """The value of a :meth:`submit` and None, or None and the Chinese reason the child stopped
        (timeout, CPU or memory limit, a crash); never raises for the file's sake."""
        lim = self.limits
        try:
            value, usage = future.result()
        except FutureTimeout:
            return None, timeout_reason(lim)
        except ProcessExpired as err:
            if err.exitcode == -signal.SIGXCPU:
                return None, f"分析占用 CPU 时间超过上限（{lim.cpu_seconds} 秒），文件内容异常或过大，未分析"
            log.warning("analysis child of %s died: exit code %s", filename, err.exitcode)
            return None, (f"分析进程意外退出（退出码 {err.exitcode}），可能是内存超过上限"
                          f"（{lim.memory_mb} MB），文件内容异常或过大，未分析")
        except Exception as err:  # noqa: BLE001 - one bad file never stops the others
            if out_of_memory(err):
                return None, MEMORY_REASON
            log.warning("analysis child of %s failed", filename, exc_info=err)
            return None, internal_reason(err)
        self.last_usage = usage
        return value, None

    def close(self) -> None:
        """Stop the children (an analysis in progress is abandoned: its report stays queued)."""
        self._pool.stop()
        self._pool.join(timeout=10)
