"""Where a batch's tasks run — an *executor*:

* :class:`LocalExecutor` — child processes on this machine (:class:`jixiao.store.sandbox.Sandbox`: the
  workspace's pool, with its per-file CPU, memory and wall-clock limits, so a pathological file is
  stopped and reported as an error while the run goes on);
* :class:`RayExecutor` — Ray tasks on a cluster (``--ray ADDRESS``; ``local`` starts Ray on this
  machine). The same function makes the same result; a task past the time limit is cancelled.

A task is a module-level function and its arguments (:class:`Task`): a file's analysis, or one page of a scanned
file read by OCR. :meth:`submit` starts one and returns a handle; :meth:`finished` waits until at least one of the
pending handles has ended and gives ``(handle, value, reason)`` for each ended one — the value, or None and the
Chinese reason the task stopped (time, memory, a crash).
"""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jixiao.store.limits import AnalysisLimits
from jixiao.store.sandbox import Sandbox, timeout_reason


@dataclass
class Task:
    """``fn(*args)`` for the file ``name``."""

    fn: Callable[..., Any]
    args: tuple
    name: str


class LocalExecutor:
    """Tasks in child processes of this machine, under the limits."""

    def __init__(self, workers: int, limits: AnalysisLimits):
        self._sandbox = Sandbox(workers, limits, max_tasks=500)
        self.in_flight = workers * 4
        self.worker_peak_mb = 0.0

    def submit(self, task: Task) -> concurrent.futures.Future:
        return self._sandbox.submit(task.fn, *task.args)

    def finished(self, pending: dict[Any, Task]) -> list[tuple[Any, Any, str | None]]:
        done, _ = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
        out = []
        for future in done:
            value, reason = self._sandbox.wait(future, pending[future].name)
            if self._sandbox.last_usage is not None:
                self.worker_peak_mb = max(self.worker_peak_mb, self._sandbox.last_usage.peak_rss_mb)
            out.append((future, value, reason))
        return out

    def close(self) -> None:
        self._sandbox.close()


class RayExecutor:
    """Tasks as Ray tasks (no retry), on the cluster at ``address``."""

    def __init__(self, address: str, workers: int, limits: AnalysisLimits):
        import ray  # optional: only --ray runs on a cluster (an extra: pip install jixiao[cluster])

        self._ray = ray
        if not ray.is_initialized():
            if address == "local":
                ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
            else:
                ray.init(address=address, log_to_driver=False)
        self._remote: dict[Callable, Any] = {}
        self._started: dict[Any, float] = {}
        self._limits = limits
        self.in_flight = max(workers, int(ray.cluster_resources().get("CPU", 1))) * 4
        self.worker_peak_mb = 0.0

    def submit(self, task: Task) -> Any:
        remote = self._remote.get(task.fn)
        if remote is None:
            remote = self._remote[task.fn] = self._ray.remote(max_retries=0)(task.fn)
        ref = remote.remote(*task.args)
        self._started[ref] = time.monotonic()
        return ref

    def finished(self, pending: dict[Any, Task]) -> list[tuple[Any, Any, str | None]]:
        ray = self._ray
        out: list[tuple[Any, Any, str | None]] = []
        while not out:
            done, _ = ray.wait(list(pending), num_returns=1, timeout=1.0)
            for ref in done:
                del self._started[ref]
                try:
                    out.append((ref, ray.get(ref), None))
                except Exception as err:  # noqa: BLE001 - a task that died is this file's error
                    out.append((ref, None, f"分析任务失败（{type(err).__name__}），文件内容异常或过大，未分析"))
            now = time.monotonic()
            for ref in list(pending):
                started = self._started.get(ref)
                if started is not None and now - started > self._limits.timeout_seconds:
                    ray.cancel(ref, force=True)
                    del self._started[ref]
                    out.append((ref, None, timeout_reason(self._limits)))
        return out

    def close(self) -> None:
        pass  # the Ray instance belongs to the process (a local one ends with it)
