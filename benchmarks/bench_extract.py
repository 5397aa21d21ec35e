"""Throughput, memory and size scaling of ``pipeline.analyse(path)`` (read, extract, review) on one core.

    .venv/bin/python benchmarks/bench_extract.py [--seconds 5] [--no-profile]

Inputs: the seed reports of the shared corpus (../shared/corpus/seeds/*.txt) when present, else
the bundled samples. The .docx inputs are made from the same texts in a temporary directory (one
paragraph per line) plus the bundled sample .docx, so .txt and .docx rates compare like with
like. Nothing is written to the repository.

Printed: reports per second per format (looping over the inputs for ``--seconds``), peak
traced memory of one report (tracemalloc) and the process peak RSS, then the time of one report
repeated 1×, 10× and 100× (texts concatenated) and the ratio time(100×)/time(1×). Targets:
≥ 200 reports/s from text, ratio ≤ 120 (linear up to noise). When the ratio misses the target,
the 100× case is profiled with cProfile and the functions of jixiao with the largest cumulative
time are listed. Ends with a Markdown table for the README.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = (ROOT / ".." / "shared" / "corpus" / "seeds").resolve()
SAMPLES = ROOT / "samples"
sys.path.insert(0, str(ROOT / "src"))

from jixiao.ingest import load  # noqa: E402
from jixiao.pipeline import Options  # noqa: E402
from jixiao.pipeline import analyse as run  # noqa: E402

TARGET_RATE = 200.0
TARGET_RATIO = 120.0
SCALES = (1, 10, 100)


def pin_one_core() -> str:
    """Run on a single CPU where the OS allows it (Linux); return a description."""
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def analyse(path: Path, review: bool = True):
    """Read, extract and (with ``review``) review one file."""
    return run(path, Options(review=review, score=False))  # as before the pipeline: no score card


def text_to_docx(text: str, path: Path) -> None:
    import docx

    doc = docx.Document()
    for line in text.split("\n"):
        doc.add_paragraph(line)
    doc.save(str(path))


def inputs(tmp: Path) -> tuple[str, list[Path], list[Path]]:
    """(description, .txt files, .docx files)."""
    if SEEDS.is_dir() and any(SEEDS.glob("*.txt")):
        txts = sorted(SEEDS.glob("*.txt"))
        what = f"{len(txts)} seed reports ({SEEDS})"
    else:
        txts = sorted(SAMPLES.glob("*.txt"))
        what = f"bundled samples ({SAMPLES}); the shared corpus is absent"
    docxs = []
    for p in txts:
        out = tmp / (p.stem + ".docx")
        text_to_docx(p.read_text(encoding="utf-8"), out)
        docxs.append(out)
    docxs += sorted(SAMPLES.glob("*.docx"))
    return what, txts, docxs


def throughput(files: list[Path], seconds: float, review: bool = True) -> tuple[float, int, float]:
    """(reports per second, reports done, elapsed) looping over ``files`` for ``seconds``."""
    for p in files:  # warm-up: imports, YAML lexicons, regex compilation
        analyse(p, review)
    done = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for p in files:
            analyse(p, review)
            done += 1
        now = time.perf_counter()
        if now >= deadline:
            return done / (now - start), done, now - start


def traced_peak(files: list[Path]) -> float:
    """Largest tracemalloc peak (MiB) over single reports."""
    worst = 0
    for p in files:
        tracemalloc.start()
        analyse(p)
        worst = max(worst, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    return worst / 2**20


def rss_peak_mib() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 1024  # bytes on macOS, KiB on Linux


def best_time(path: Path, budget: float, max_reps: int, review: bool = True) -> float:
    """Minimum wall time of ``analyse(path)`` over up to ``max_reps`` runs within ``budget`` s."""
    best = float("inf")
    spent = 0.0
    reps = 0
    while reps < max_reps and (reps == 0 or spent < budget):
        t0 = time.perf_counter()
        analyse(path, review)
        dt = time.perf_counter() - t0
        best = min(best, dt)
        spent += dt
        reps += 1
    return best


def scaling(base: Path, tmp: Path, review: bool = True) -> dict[int, tuple[int, float]]:
    """{repeat: (characters, seconds)} for the report repeated 1×/10×/100×."""
    text = base.read_text(encoding="utf-8").strip("\n")
    out = {}
    for k in SCALES:
        path = tmp / f"x{k}_{'review' if review else 'plain'}.txt"
        path.write_text("\n".join([text] * k), encoding="utf-8")
        chars = len(load(path).text)
        out[k] = (chars, best_time(path, budget=1.0 if k < 100 else 0.0, max_reps=50 if k < 100 else 2,
                                   review=review))
    return out


def profile(path: Path, top: int = 12) -> list[tuple[str, float, float]]:
    """(file:function, cumulative s, own s) of jixiao functions, by cumulative time."""
    prof = cProfile.Profile()
    prof.enable()
    analyse(path)
    prof.disable()
    stats = pstats.Stats(prof).stats  # {(file, line, func): (cc, nc, tt, ct, callers)}
    rows = []
    src = str(ROOT / "src") + os.sep
    for (file, line, func), (_cc, _nc, tt, ct, _callers) in stats.items():
        if file.startswith(src):
            rows.append((f"{Path(file).relative_to(ROOT)}:{line}:{func}", ct, tt))
    rows.sort(key=lambda r: r[1], reverse=True)
    return rows[:top]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=5.0, help="duration of each throughput loop")
    ap.add_argument("--no-profile", action="store_true", help="do not profile when scaling misses its target")
    args = ap.parse_args(argv)

    pinned = pin_one_core()
    print(f"Python {platform.python_version()} on {platform.machine()} ({platform.system()}), {pinned}")
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp_name:
        tmp = Path(tmp_name)
        what, txts, docxs = inputs(tmp)
        print(f"Inputs: {what}; {len(txts)} .txt, {len(docxs)} .docx\n")

        rates = {}
        for fmt, files in ((".txt", txts), (".docx", docxs)):
            rate, n, elapsed = throughput(files, args.seconds)
            peak = traced_peak(files)
            rates[fmt] = (rate, peak)
            print(f"{fmt:6} {rate:7.1f} reports/s ({n} reports in {elapsed:.1f} s, "
                  f"{1000 / rate:.2f} ms each); tracemalloc peak of one report {peak:.1f} MiB")
        extract_rate, n, elapsed = throughput(txts, args.seconds, review=False)
        print(f".txt   {extract_rate:7.1f} reports/s extraction only, review off ({n} in {elapsed:.1f} s)")
        rss = rss_peak_mib()
        print(f"process peak RSS so far: {rss:.0f} MiB\n")

        base = txts[0]
        print(f"Scaling: {base.name} repeated 1×/10×/100× (review on, then off)")
        scale_on = scaling(base, tmp, review=True)
        scale_off = scaling(base, tmp, review=False)
        for label, sc in (("review on", scale_on), ("review off", scale_off)):
            for k, (chars, sec) in sc.items():
                print(f"  {label:10} {k:4}×  {chars:8d} chars  {sec * 1000:9.1f} ms")
        ratio_on = scale_on[100][1] / scale_on[1][1]
        ratio_off = scale_off[100][1] / scale_off[1][1]
        print(f"  time(100×)/time(1×): review on {ratio_on:.0f}, review off {ratio_off:.0f} "
              f"(target ≤ {TARGET_RATIO:.0f})")
        rss = rss_peak_mib()

        hot: list[tuple[str, float, float]] = []
        if ratio_on > TARGET_RATIO and not args.no_profile:
            print("\nProfile of the 100× case (cProfile, jixiao functions by cumulative time; "
                  "times include profiler overhead):")
            hot = profile(tmp / "x100_review.txt")
            for name, ct, tt in hot:
                print(f"  {ct:7.2f} s cumulative  {tt:7.2f} s own  {name}")

    txt_rate, txt_peak = rates[".txt"]
    docx_rate, docx_peak = rates[".docx"]
    ok = lambda good: "✅" if good else "❌"  # noqa: E731
    print("\n| 指标 | 结果 | 目标 |")
    print("|---|---|---|")
    print(f"| 吞吐（.txt，单核，含审核） | {txt_rate:.0f} 份/秒（{1000 / txt_rate:.1f} ms/份） | "
          f"≥ {TARGET_RATE:.0f} 份/秒 {ok(txt_rate >= TARGET_RATE)} |")
    print(f"| 吞吐（.txt，单核，只抽取不审核） | {extract_rate:.0f} 份/秒（{1000 / extract_rate:.1f} ms/份） | "
          f"≥ {TARGET_RATE:.0f} 份/秒 {ok(extract_rate >= TARGET_RATE)} |")
    print(f"| 吞吐（.docx，单核，含审核） | {docx_rate:.0f} 份/秒（{1000 / docx_rate:.1f} ms/份） | — |")
    print(f"| 单份峰值内存（tracemalloc） | .txt {txt_peak:.1f} MiB，.docx {docx_peak:.1f} MiB | — |")
    print(f"| 进程峰值 RSS | {rss:.0f} MiB | — |")
    for k in SCALES:
        chars, sec = scale_on[k]
        print(f"| {k}× 文本（{chars:,} 字符） | {sec * 1000:.1f} ms（不含审核 {scale_off[k][1] * 1000:.1f} ms） | — |")
    print(f"| 时间比 100×/1× | 含审核 {ratio_on:.0f}，不含审核 {ratio_off:.0f} | "
          f"≤ {TARGET_RATIO:.0f} {ok(ratio_on <= TARGET_RATIO)} |")
    if hot:
        name, ct, tt = max(hot, key=lambda r: r[2])
        print(f"\n100× 最耗时（自身时间）：{name}（累计 {ct:.2f} s，自身 {tt:.2f} s）")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
