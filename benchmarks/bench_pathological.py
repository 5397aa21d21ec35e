"""Time and peak memory of the analysis of pathological files (issue 9, defect 4), each in a fresh
sandbox child with the default limits (docs/queue.md).

    .venv/bin/python benchmarks/bench_pathological.py [--keep DIR]

The files are generated in a temporary folder (``--keep DIR`` keeps them there):

* ``paragraphs.docx`` — 0.3 MB of .docx holding 100 MB of paragraphs (400,000 ``<w:p>``);
* ``bomb-patched.docx`` — 1.1 GB of zeros whose size fields say 1 KB;
* ``bomb-honest.docx`` — 1 GB of zeros, sizes as they are;
* ``one-letter.txt`` — 49 MB of one repeated letter;
* ``long-valid.txt`` — the sample report repeated to just under the text limit (2 million characters);
* the bundled .docx sample, for comparison.

For each: the reason (or "analysed"), wall time, the CPU seconds and peak RSS of the child (over its
life: a fresh child per file), and the server-side process's own peak RSS at the end.
"""

from __future__ import annotations

import argparse
import io
import resource
import struct
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from jixiao.store.limits import AnalysisLimits  # noqa: E402
from jixiao.store.sandbox import Sandbox  # noqa: E402

SAMPLES = ROOT / "samples"
DOCX_SAMPLE = SAMPLES / "示例省样板县司法局_2023年度部门整体支出绩效自评报告.docx"
TXT_SAMPLE = SAMPLES / "示例市示范区司法局_2024年度部门整体支出绩效自评报告.txt"
MB = 2**20


def _copy_sample(dst: zipfile.ZipFile, skip: str = "") -> None:
    with zipfile.ZipFile(DOCX_SAMPLE) as src:
        for info in src.infolist():
            if info.filename != skip:
                dst.writestr(info, src.read(info))


def paragraphs_docx(path: Path) -> None:
    para = ('<w:p><w:r><w:t>本年度部门整体支出绩效自评工作按照财政部门的统一部署开展，'
            '各项目均完成年度绩效目标。</w:t></w:r></w:p>').encode()
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w='
            b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        _copy_sample(dst, skip="word/document.xml")
        info = zipfile.ZipInfo("word/document.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(info, "w") as out:
            out.write(head)
            block = para * 1000
            for _ in range(400):
                out.write(block)
            out.write(b"</w:body></w:document>")


def bomb_docx(path: Path, size: int, declared: int | None) -> None:
    """The sample with a member of ``size`` zero bytes (under 2 GiB: plain 32-bit size fields); with
    ``declared``, its uncompressed size fields (local header and central directory) say that instead."""
    member = "word/media/image9.bin"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        _copy_sample(dst)
        info = zipfile.ZipInfo(member)
        info.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(info, "w") as out:
            zeros = bytes(8 * MB)
            for _ in range(size // len(zeros)):
                out.write(zeros)
    if declared is None:
        return
    buf = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(buf))) as zf:
        info = zf.getinfo(member)
    if not info.flag_bits & 0x08:  # sizes in the local header (else in a data descriptor)
        struct.pack_into("<I", buf, info.header_offset + 22, declared)
    eocd = buf.rfind(b"PK\x05\x06")
    count, _, cd_offset = struct.unpack_from("<HII", buf, eocd + 10)
    pos = cd_offset
    for _ in range(count):
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", buf, pos + 28)
        if bytes(buf[pos + 46:pos + 46 + name_len]).decode() == member:
            struct.pack_into("<I", buf, pos + 24, declared)
        pos += 46 + name_len + extra_len + comment_len
    path.write_bytes(bytes(buf))


def files(folder: Path) -> list[Path]:
    out = []
    p = folder / "paragraphs.docx"
    paragraphs_docx(p)
    out.append(p)
    p = folder / "bomb-patched.docx"
    bomb_docx(p, 1100 * MB, declared=1024)
    out.append(p)
    p = folder / "bomb-honest.docx"
    bomb_docx(p, 1024 * MB, declared=None)
    out.append(p)
    p = folder / "one-letter.txt"
    p.write_bytes(b"a" * (49 * MB))
    out.append(p)
    p = folder / "long-valid.txt"
    text = TXT_SAMPLE.read_text(encoding="utf-8")
    p.write_text(text * (1_990_000 // len(text)), encoding="utf-8")
    out.append(p)
    out.append(DOCX_SAMPLE)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    args = ap.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        run(args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
            run(Path(tmp))


def run(folder: Path) -> None:
    limits = AnalysisLimits.from_env()
    print(f"limits: {limits.to_dict()}")
    rows = []
    for path in files(folder):
        data = path.read_bytes()
        sandbox = Sandbox(1, limits, max_tasks=1)
        t0 = time.perf_counter()
        result = sandbox.analyse(path.name if path != DOCX_SAMPLE else "sample.docx", data)
        took = time.perf_counter() - t0
        usage = sandbox.last_usage
        sandbox.close()
        outcome = result.error or f"analysed ({len(result.text or ''):,} characters)"
        rows.append((path.name if path != DOCX_SAMPLE else "sample.docx", len(data) / MB, took,
                     usage.cpu_seconds if usage else None, usage.peak_rss_mb if usage else None, outcome))
        print(f"{rows[-1][0]}: {rows[-1][1]:.2f} MB, {took:.2f} s, {outcome}", flush=True)
    server_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print("| file | size | wall time | child CPU | child peak RSS | outcome |")
    print("|---|---|---|---|---|---|")
    for name, size, took, cpu, rss, outcome in rows:
        cpu_s = f"{cpu:.2f} s" if cpu is not None else "—"
        rss_s = f"{rss:.0f} MB" if rss is not None else "—"
        print(f"| {name} | {size:.2f} MB | {took:.2f} s | {cpu_s} | {rss_s} | {outcome} |")
    print(f"\nthis (server-side) process: peak RSS {server_rss:.0f} MB (includes generating the files)")


if __name__ == "__main__":
    main()
