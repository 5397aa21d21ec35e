"""OCR pages in parallel inside ``jixiao batch``: one scanned PDF of N pages (the sample report drawn as page
images), analysed by a batch with 1 worker and with every core (each worker's OCR has its share of the cores as
threads); wall time, pages per second, and the speed-up. Also the same file read in one process
(``pipeline.analyse``), pages one after another with ONNX Runtime's threads on every core, and with one thread (the
pages per second of one core).

    .venv/bin/python benchmarks/bench_ocr_batch.py [--pages 8] [--dpi 200]

Needs the ocr extra (rapidocr_onnxruntime) and a CJK font (fonts-noto-cjk) to draw the pages.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import pypdfium2 as pdfium  # noqa: E402

from jixiao import batch, pipeline  # noqa: E402
from jixiao.ingest import ocr  # noqa: E402
from ocr_support import scanned_pdf  # noqa: E402

SAMPLE = ROOT / "samples" / "示例市示范区司法局_2024年度部门整体支出绩效自评报告.txt"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=8)
    ap.add_argument("--dpi", type=int, default=200)
    args = ap.parse_args()
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    text = "\n".join((lines * (1 + args.pages * 36 // max(len(lines), 1)))[:args.pages * 36 - 4])
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in"
        src.mkdir()
        pdf = scanned_pdf(text, Path(tmp) / "long.pdf", args.dpi)
        whole = pdfium.PdfDocument(str(pdf))
        cut = pdfium.PdfDocument.new()
        cut.import_pages(whole, list(range(min(args.pages, len(whole)))))
        pdf = src / "scan.pdf"
        cut.save(str(pdf))
        started = time.perf_counter()
        one = pipeline.analyse(pdf, pipeline.Options(score=True))
        pages = one.document.pages
        alone = time.perf_counter() - started
        print(f"{pages} pages at {args.dpi} dpi; {cores} cores")
        print("| how | wall s | pages/s | speed-up |")
        print("|---|---|---|---|")
        print(f"| one process (pipeline.analyse) | {alone:.1f} | {pages / alone:.2f} | 1.00 |")
        started = time.perf_counter()
        with ocr.sharing_pages(threads=1):
            pipeline.analyse(pdf, pipeline.Options(score=True))
        single = time.perf_counter() - started
        print(f"| one process, one OCR thread (one core) | {single:.1f} | {pages / single:.2f} | {alone / single:.2f} |")
        for workers in sorted({1, cores}):
            opts = batch.BatchOptions(workers=workers, cache=Path(tmp) / f"c{workers}.sqlite")
            started = time.perf_counter()
            summary = batch.run_batch([src], Path(tmp) / f"r{workers}.jsonl", opts)
            wall = time.perf_counter() - started
            if summary.errors:
                sys.exit((Path(tmp) / f"r{workers}_errors.csv").read_text(encoding="utf-8-sig"))
            assert summary.ocr_pages == pages, summary
            print(f"| jixiao batch --workers {workers} | {wall:.1f} | {pages / wall:.2f} | {alone / wall:.2f} |",
                  flush=True)


if __name__ == "__main__":
    main()
