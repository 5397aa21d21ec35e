"""``jixiao batch``: a province's reports at once — files, folders, globs and .zip archives analysed in
parallel (child processes with per-file limits, or Ray tasks on a cluster), each result kept in a local
cache keyed by content and pipeline version (a rerun with ``--resume`` repeats nothing, a killed run
loses nothing stored), written as one row per report plus long tables (.parquet, .xlsx, .csv, .jsonl)
and an errors file with the Chinese reason of each file that could not be analysed.

* :mod:`~jixiao.batch.sources` — the inputs → report files;
* :mod:`~jixiao.batch.records` — one analysis → its record (rows of every table);
* :mod:`~jixiao.batch.cache` — records by content hash and pipeline version (SQLite);
* :mod:`~jixiao.batch.outputs` — records → files, streamed;
* :mod:`~jixiao.batch.run` — the run: executors (local pool, Ray), progress, summary.
"""

from jixiao.batch.run import BatchOptions, Progress, Summary, run_batch

__all__ = ["BatchOptions", "Progress", "Summary", "run_batch"]
