"""Server time of the report list and the report detail with 10,000 stored reports.

    .venv/bin/python benchmarks/bench_web.py [--reports 10000] [--repeat 30] [--db URL] [--keep]

Builds a temporary SQLite database (or uses ``--db``, e.g. a PostgreSQL URL of an empty database),
analyses the bundled samples once and stores N reports made from their real extracted JSON, text,
findings, score card and original file, spread over 270 units in 90 counties, 2021–2024, all four
statuses and varied error/warning counts (plus the summary rows every analysis writes). Then times,
``--repeat`` times each, in-process through the ASGI app (``TestClient``, so routing, dependencies,
auth, the service and JSON/HTML rendering are all included; no network):

* API list: first page, filtered (year + status + severity), sorted by errors, a region reviewer's
  and a unit user's view, a search, a deep page;
* API detail (``GET /api/reports/{id}``, with the full text) of random reports;
* the list page ``/reports`` and the detail page ``/reports/{id}`` when the pages exist;
* the service calls alone (``list_reports``, ``report_detail``).

Prints p50 / p95 / max in ms per case and a Markdown table; the target is < 300 ms for each.
"""

from __future__ import annotations

import argparse
import copy
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import insert, select  # noqa: E402

from jixiao.store import db as store_db  # noqa: E402
from jixiao.store import service  # noqa: E402
from jixiao.store.analysis import analyse_upload  # noqa: E402
from jixiao.store.models import FindingCount, Report, ReportValue, Unit, User  # noqa: E402
from jixiao.store.values import summary_values  # noqa: E402

TARGET_MS = 300.0
SAMPLES = sorted(p for p in (ROOT / "samples").iterdir() if p.suffix in (".txt", ".docx", ".xlsx"))
PROVINCES = ["示例省", "样板省", "测试省"]
BUREAUS = ["司法局", "财政局", "教育局"]
STATUSES = ["pending"] * 4 + ["in_review"] * 2 + ["returned"] + ["approved"] * 3


def _geography() -> list[tuple[str, str, str, str]]:
    units = []
    for p in PROVINCES:
        for c in range(5):
            city = f"{p[:2]}{'甲乙丙丁戊'[c]}市"
            for k in range(6):
                county = f"{city[:-1]}{'一二三四五六'[k]}区"
                for b in BUREAUS:
                    units.append((f"{city}{county}{b}", p, city, county))
    return units


def _analysed() -> list[dict]:
    out = []
    for path in SAMPLES:
        data = path.read_bytes()
        a = analyse_upload(path.name, data)
        if a.error:
            continue
        out.append({"name": path.name, "data": data, "a": a})
    return out


def populate(url: str, n: int, seed: int = 4) -> dict:
    """Store ``n`` reports plus users; returns ids and usernames for the timing."""
    rng = random.Random(seed)
    store_db.upgrade(url)
    engine = store_db.make_engine(url)
    factory = store_db.session_factory(engine)
    samples = _analysed()
    geo = _geography()
    t0 = time.perf_counter()
    with factory() as s:
        admin = service.create_user(s, username="admin", password="bench-pass-1", role="admin")
        unit_ids = {}
        for name, p, c, k in geo:
            u = Unit(name=name, province=p, city=c, county=k)
            s.add(u)
            s.flush()
            unit_ids[name] = u.id
        reviewer = service.create_user(s, username="reviewer", password="bench-pass-1", role="reviewer",
                                       region=geo[0][2])
        unit_user = service.create_user(s, username="unit", password="bench-pass-1", role="unit", unit=geo[0][0])
        s.commit()
        base = datetime(2025, 3, 1, tzinfo=UTC)
        batch_reports, batch_findings, batch_values = [], [], []
        next_id = 1
        for i in range(n):
            smp = samples[i % len(samples)]
            a = smp["a"]
            name, p, c, k = geo[rng.randrange(len(geo))]
            year = rng.choice([2021, 2022, 2023, 2024])
            extracted = copy.deepcopy(a.extracted)
            extracted["facts"].update(unit_name=name, province=p, city=c, county=k, fiscal_year=year)
            if "budget" in extracted["facts"]:
                extracted["facts"]["budget"] = round(extracted["facts"]["budget"] * rng.uniform(0.5, 2), 2)
            findings = list(a.findings)[: rng.randrange(len(a.findings) + 1)] if a.findings else []
            errors = sum(1 for f in findings if f["severity"] == "error")
            warnings = sum(1 for f in findings if f["severity"] == "warning")
            created = base + timedelta(minutes=i * 7 + rng.randrange(5))
            batch_reports.append(dict(
                id=next_id, unit_id=unit_ids[name], unit_name=name, province=p, city=c, county=k,
                fiscal_year=year, status=rng.choice(STATUSES), analysis="done", filename=f"{i:05d}_{smp['name']}",
                file_format=a.file_format, file_sha256="0" * 64, file_size=len(smp["data"]), original=smp["data"],
                text=a.text, extracted=extracted, findings=findings, score=a.score, error_count=errors,
                warning_count=warnings, analysed_with="bench", analysed_at=created, uploaded_by=admin.id,
                created_at=created, updated_at=created, version=1))
            counts: dict = {}
            for f in findings:
                counts[(f["rule"], f["severity"])] = counts.get((f["rule"], f["severity"]), 0) + 1
            batch_findings += [dict(report_id=next_id, rule=r, severity=sv, count=cnt) for (r, sv), cnt in counts.items()]
            batch_values += [dict(report_id=next_id, **row) for row in summary_values(extracted)]
            next_id += 1
            if len(batch_reports) >= 500 or i == n - 1:  # explicit ids: a read benchmark, sequences untouched
                s.execute(insert(Report), batch_reports)
                if batch_findings:
                    s.execute(insert(FindingCount), batch_findings)
                s.execute(insert(ReportValue), batch_values)
                s.commit()
                batch_reports, batch_findings, batch_values = [], [], []
        ids = list(s.scalars(select(Report.id)))
    engine.dispose()
    return {"ids": ids, "admin": admin.id, "reviewer": reviewer.id, "unit": unit_user.id,
            "seconds": time.perf_counter() - t0, "samples": [x["name"] for x in samples]}


def _time(fn, repeat: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def run(url: str, info: dict, repeat: int) -> list[tuple[str, list[float]]]:
    from fastapi.testclient import TestClient

    from jixiao.web.app import create_app
    from jixiao.web.security import SESSION_COOKIE

    app = create_app(url, secret_key="bench")
    rng = random.Random(7)
    clients = {}
    with app.state.session_factory() as s:
        for role in ("admin", "reviewer", "unit"):
            user = s.get(User, info[role])
            token = service.create_api_token(s, user, "bench")
            c = TestClient(app, headers={"Authorization": f"Bearer {token}"})
            c.cookies.set(SESSION_COOKIE, service.start_session(s, user))
            clients[role] = c
    admin = clients["admin"]
    ids = info["ids"]

    def get(client, path, **params):
        def call():
            r = client.get(path, params=params)
            assert r.status_code == 200, (path, r.status_code, r.text[:300])
        return call

    def detail(path_fmt, client=admin):
        def call():
            r = client.get(path_fmt.format(rng.choice(ids)))
            assert r.status_code == 200, r.text[:300]
        return call

    cases = [
        ("API 列表：第一页（管理员，50 条）", get(admin, "/api/reports")),
        ("API 列表：筛选 年度+状态+有错误", get(admin, "/api/reports", year=2023, status="pending", severity="error")),
        ("API 列表：按错误数排序", get(admin, "/api/reports", sort="-errors")),
        ("API 列表：按单位排序", get(admin, "/api/reports", sort="unit")),
        ("API 列表：地区审核人员", get(clients["reviewer"], "/api/reports")),
        ("API 列表：单位填报人", get(clients["unit"], "/api/reports")),
        ("API 列表：搜索单位名称", get(admin, "/api/reports", q="司法局", year=2024)),
        ("API 列表：第 150 页", get(admin, "/api/reports", page=150)),
        ("API 详情（含全文）", detail("/api/reports/{}")),
    ]
    page_paths = {getattr(r, "path", None) for r in __import__("jixiao.web.app", fromlist=["all_routes"]).all_routes(app)}
    if "/reports" in page_paths:
        cases += [("页面：报告列表", get(admin, "/reports")),
                  ("页面：报告列表（筛选+排序）", get(admin, "/reports", year=2023, severity="error", sort="-errors"))]
    if "/reports/{report_id}" in page_paths:
        cases.append(("页面：报告详情", detail("/reports/{}")))
    if "/" in page_paths:
        cases.append(("页面：首页", get(admin, "/")))

    def svc_list():
        with app.state.session_factory() as s:
            service.list_reports(s, s.get(User, info["admin"]), service.ReportQuery(year=2023, sort="-errors"))

    def svc_detail():
        with app.state.session_factory() as s:
            service.report_detail(s, s.get(User, info["admin"]), rng.choice(ids))

    cases += [("服务层：list_reports", svc_list), ("服务层：report_detail", svc_detail)]
    results = [(name, _time(fn, repeat)) for name, fn in cases]
    for c in clients.values():
        c.close()
    app.state.engine.dispose()
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--db", help="数据库 URL（须为空库；默认临时 SQLite 文件）")
    ap.add_argument("--keep", action="store_true", help="保留临时数据库")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="jixiao-bench-"))
    url = args.db or f"sqlite:///{tmp / 'bench.db'}"
    print(f"数据库：{url}", flush=True)
    info = populate(url, args.reports)
    size = (tmp / "bench.db").stat().st_size / 2**20 if not args.db else 0
    print(f"写入 {len(info['ids'])} 份报告（样本：{'、'.join(info['samples'])}），用时 {info['seconds']:.1f} s"
          + (f"，数据库 {size:.0f} MiB" if size else ""), flush=True)
    results = run(url, info, args.repeat)
    width = max(len(n) for n, _ in results)
    print(f"\n{'场景'.ljust(width)}   p50 ms   p95 ms   max ms")
    for name, xs in results:
        print(f"{name.ljust(width)} {_pct(xs, .5):8.1f} {_pct(xs, .95):8.1f} {max(xs):8.1f}"
              + ("" if _pct(xs, .95) < TARGET_MS else "  ❌"))
    print("\n| 场景 | p50 (ms) | p95 (ms) | 目标 |\n|---|---|---|---|")
    for name, xs in results:
        ok = "✅" if _pct(xs, .95) < TARGET_MS else "❌"
        print(f"| {name} | {_pct(xs, .5):.1f} | {_pct(xs, .95):.1f} | < {TARGET_MS:.0f} {ok} |")
    if not args.keep and not args.db:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    elif args.keep:
        print(f"\n保留：{tmp}")


if __name__ == "__main__":
    main()
