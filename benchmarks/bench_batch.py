"""``jixiao batch`` at scale: synthetic reports (benchmarks/synth.py, 30% .docx) analysed into Parquet.

    .venv/bin/python benchmarks/bench_batch.py --counts 1000 10000 100000 [--workers 2] [--work /tmp/jixiao-bench]

For each count: wall time of the whole run (a fresh process, a fresh cache), reports per second and per
worker, peak resident memory of the parent and of an analysing child, output sizes, and how many of the
facts the generator wrote were read back (unit, province, year, budget, spending, 三公 …). A second run
with ``--resume`` shows the cost of a rerun that repeats nothing. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import generate  # noqa: E402

RUN = """
import json, sys
from pathlib import Path
from jixiao import batch
s = batch.run_batch([sys.argv[1]], Path(sys.argv[2]), batch.BatchOptions(workers=int(sys.argv[3]), resume=sys.argv[4] == "1"))
print(json.dumps({"analysed": s.analysed, "cached": s.cached, "errors": s.errors, "seconds": s.seconds,
                  "parent_mb": s.parent_peak_mb, "worker_mb": s.worker_peak_mb}))
"""
KEYS = ["unit_name", "province", "fiscal_year", "budget", "expenditure_total", "basic_expenditure",
        "project_expenditure", "three_public_total", "staff_actual"]


def _same(expected: str, got) -> bool:
    if got is None:
        return False
    try:
        return Decimal(expected) == Decimal(str(got))
    except ArithmeticError:
        return expected == str(got)


def _accuracy(folder: Path, out: Path) -> tuple[int, int]:
    with (folder / "manifest.csv").open(encoding="utf-8") as f:
        expected = {r["file"]: r for r in csv.DictReader(f)}
    hit = total = 0
    for batch_ in pq.ParquetFile(out).iter_batches(columns=["source", *KEYS]):
        for row in batch_.to_pylist():
            want = expected[Path(row["source"]).name]
            for k in KEYS:
                total += 1
                hit += _same(want[k], row[k])
    return hit, total


def _run(folder: Path, out: Path, workers: int, resume: bool) -> dict:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", RUN, str(folder), str(out), str(workers), "1" if resume else "0"],
                          capture_output=True, text=True, check=True)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - started
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counts", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--work", type=Path, default=Path("/tmp/jixiao-bench"))
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"workers {args.workers}")
    print("| reports | wall s | reports/s | per worker | parent MB | child MB | outputs MB | facts read | rerun s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for count in args.counts:
        folder = args.work / f"in-{count}"
        if not (folder / "manifest.csv").exists():
            generate(folder, count)
        out_dir = args.work / f"out-{count}"
        out_dir.mkdir(parents=True, exist_ok=True)
        for old in out_dir.iterdir():
            old.unlink()
        out = out_dir / "results.parquet"
        first = _run(folder, out, args.workers, resume=False)
        again = _run(folder, out, args.workers, resume=True)
        size = sum(p.stat().st_size for p in out_dir.iterdir() if p.suffix in (".parquet", ".csv")) / 2**20
        hit, total = _accuracy(folder, out)
        rate = count / first["wall"]
        print(f"| {count:,} | {first['wall']:.1f} | {rate:.1f} | {rate / args.workers:.1f} | {first['parent_mb']:.0f} | "
              f"{first['worker_mb']:.0f} | {size:.1f} | {hit / total:.1%} | {again['wall']:.1f} |", flush=True)
        assert first["errors"] == 0 and again["analysed"] == 0, (first, again)


if __name__ == "__main__":
    main()
