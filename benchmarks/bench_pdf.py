"""PDF reading and analysis time for the 部门决算 PDFs of ../shared/corpus/pdf (issue 11).

    .venv/bin/python benchmarks/bench_pdf.py [--repeat 3]

For each PDF, on one core: pages, the time to read the text layer alone (pypdfium2), to read it with
tables (pdfplumber on the pages that may hold a table), and the whole pipeline (read, extract, review);
the best of ``--repeat`` runs, and pages per second for the whole pipeline.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from jixiao.ingest import pdf
from jixiao.pipeline import analyse

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "pdf"


def best(fn, repeat: int) -> float:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return min(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    files = sorted(CORPUS.glob("*.pdf"))
    if not files:
        print(f"没有找到 {CORPUS}（共享语料不在时跳过）", file=sys.stderr)
        return 0
    print("| 文件 | 页数 | 只读文字层 | 文字层 + 表格 | 全流程（抽取 + 审核） | 页/秒（全流程） |")
    print("|---|---|---|---|---|---|")
    pages = total = 0.0
    for f in files:
        n = pdf.read(f, f.name, tables=False).pages
        text_only = best(lambda f=f: pdf.read(f, f.name, tables=False), args.repeat)
        with_tables = best(lambda f=f: pdf.read(f, f.name), args.repeat)
        whole = best(lambda f=f: analyse(f), args.repeat)
        pages += n
        total += whole
        print(f"| {f.name} | {n} | {text_only:.2f} s | {with_tables:.2f} s | {whole:.2f} s | {n / whole:.1f} |")
    print(f"| 合计 | {int(pages)} | | | {total:.2f} s | {pages / total:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
