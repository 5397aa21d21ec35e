"""Synthetic 部门整体支出绩效自评报告 for the batch benchmarks: varied units (kinds, provinces, counties),
years, sizes and formats (.txt, .docx), with the facts each states known in advance.

    .venv/bin/python benchmarks/synth.py OUT_DIR --count 1000 [--docx-share 0.3] [--seed 1]

writes ``OUT_DIR/NNNNNN_单位_年度.txt|.docx`` and ``OUT_DIR/manifest.csv`` (file, unit_name, province,
fiscal_year, budget, expenditure_total, basic_expenditure, project_expenditure, three_public_total,
staff_actual). The figures are consistent (parts add up, rates follow the figures), made with Decimal;
the wording is varied from a few phrasings per statement so reports differ in more than names. Places
come from the package's gazetteer (data/divisions.csv). Nothing here is a real report.
"""

from __future__ import annotations

import argparse
import csv
import random
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from pathlib import Path

KINDS = [
    ("司法局", ["人民调解案件", "法律援助案件", "社区矫正对象"], ["件", "件", "人"]),
    ("教育局", ["义务教育在校生", "教师培训", "校舍维修项目"], ["人", "人次", "个"]),
    ("卫生健康局", ["家庭医生签约", "健康体检", "疫苗接种"], ["人", "人次", "剂次"]),
    ("农业农村局", ["高标准农田建设", "农技培训", "农机购置补贴"], ["亩", "人次", "台"]),
    ("民政局", ["低保对象", "特困供养人员", "临时救助"], ["人", "人", "人次"]),
    ("市场监督管理局", ["食品抽检", "特种设备检查", "市场主体登记"], ["批次", "台", "户"]),
    ("文化和旅游局", ["送戏下乡", "公共文化活动", "文物巡查"], ["场", "场", "次"]),
    ("人民政府", ["农村道路维护", "人居环境整治", "便民服务办件"], ["公里", "个", "件"]),
]
PHRASES = {
    "budget": ["{y}年度部门预算收入{b}万元", "{y}年度年初预算{b}万元", "本年度部门预算总额为{b}万元"],
    "spent": ["全年实际支出{t}万元，预算执行率{r}%", "本年支出合计{t}万元，执行率为{r}%"],
    "split": ["其中基本支出{basic}万元，项目支出{proj}万元", "基本支出{basic}万元、项目支出{proj}万元"],
    "three": ["“三公”经费支出{tp}万元，其中公务接待费{rec}万元、公务用车运行维护费{veh}万元",
              "三公经费共计{tp}万元（公务接待费{rec}万元，公务用车运行维护费{veh}万元）"],
    "staff": ["单位编制{a}人，实有在职人员{s}人", "核定编制{a}名，年末实有人员{s}名"],
}
FILLER = ("围绕年度工作目标，{u}加强预算管理，严格执行财经纪律，各项工作有序推进。",
          "通过完善内部控制制度、规范资金审批流程，资金使用效益进一步提高。",
          "在绩效目标设定、运行监控和自评环节，坚持问题导向，及时纠偏。",
          "对照年初计划逐项梳理，主要指标基本完成，群众满意度保持较高水平。")


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _places() -> list[tuple[str, str, str]]:
    """(province, city, county) triples of the gazetteer's divisions still in force."""
    rows = list(csv.reader(line for line in resources.files("jixiao").joinpath("data", "divisions.csv")
                           .read_text(encoding="utf-8").splitlines() if not line.startswith("#")))
    header, rows = rows[0], rows[1:]
    idx = {k: i for i, k in enumerate(header)}
    by_code = {r[idx["code"]]: r for r in rows if not r[idx["to"]]}
    out = []
    for r in by_code.values():
        if r[idx["level"]] != "county":
            continue
        parent = by_code.get(r[idx["parent"]])
        if parent is None:
            continue
        if parent[idx["level"]] == "city":
            prov = by_code.get(parent[idx["parent"]])
            if prov is not None:
                out.append((prov[idx["name"]], parent[idx["name"]], r[idx["name"]]))
    return sorted(out)


def report(rng: random.Random, place: tuple[str, str, str], n: int) -> tuple[str, dict]:
    """One report's text and its known facts."""
    province, city, county = place
    kind, works, units = KINDS[n % len(KINDS)]
    name = f"{city}{county}{kind}"
    year = rng.choice([2022, 2023, 2024, 2025])
    budget = _money(rng, 300, 9000)
    rate = Decimal(rng.randint(8500, 10000)) / 100
    total = (budget * rate / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    rate = (total / budget * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    basic = (total * Decimal(rng.randint(35, 75)) / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    proj = total - basic
    rec, veh = _money(rng, 1, 20), _money(rng, 1, 30)
    tp = rec + veh
    authorized = rng.randint(15, 120)
    staff = rng.randint(max(5, authorized - 10), authorized)
    pick = lambda key: rng.choice(PHRASES[key])  # noqa: E731
    size = rng.choice([3, 5, 7, 9, 12, 16])  # about 2 000 to 9 000 characters, as real reports
    lines = [f"{name}{year}年度部门整体支出绩效自评报告", "",
             f"根据{province}财政厅关于开展{year}年度部门整体支出绩效自评工作的通知要求，现将我单位自评情况报告如下。",
             "一、部门基本情况", f"（一）职能职责\n{name}是{county}人民政府的工作部门，负责本行政区域内的{works[0]}等工作。",
             f"（二）机构和人员\n{pick('staff').format(a=authorized, s=staff)}。",
             "二、部门整体支出情况",
             f"{pick('budget').format(y=year, b=budget)}；{pick('spent').format(t=total, r=rate)}。"
             f"{pick('split').format(basic=basic, proj=proj)}。",
             f"{pick('three').format(tp=tp, rec=rec, veh=veh)}。",
             "三、绩效目标完成情况"]
    projects = rng.randint(2, 6)
    cuts = sorted(rng.sample(range(1, int(proj * 100)), projects - 1)) if proj > 1 else []
    amounts = [Decimal(b - a) / 100 for a, b in zip([0, *cuts], [*cuts, int(proj * 100)], strict=True)]
    lines.append(f"项目支出{proj}万元，主要用于以下{len(amounts)}个项目：")
    for i, amount in enumerate(amounts, 1):
        lines.append(f"{i}.{works[i % len(works)]}专项{i}：支出{amount}万元，"
                     f"{rng.choice(['按计划完成', '完成年度目标', '基本完成，部分结转下年'])}。")
    for work, unit in zip(works, units, strict=True):
        target = rng.randint(50, 5000)
        done = rng.randint(int(target * 0.9), int(target * 1.2))
        lines.append(f"{work}：年度目标{target}{unit}，实际完成{done}{unit}。")
    for _ in range(size):
        lines.append("".join(rng.choice(FILLER).format(u=name) for _ in range(rng.randint(6, 12))))
        lines.extend(f"{k}、{rng.choice(FILLER).format(u=name)}" for k in "一二三"[:rng.randint(1, 3)])
    lines += ["四、存在的问题", "部分项目支出进度偏慢，绩效目标设置的细化量化程度有待提高。",
              "五、下一步改进措施", "加强预算执行监控，完善绩效指标体系，强化结果应用。",
              "", name, f"{year + 1}年3月20日"]
    facts = {"unit_name": name, "province": province, "fiscal_year": year, "budget": budget,
             "expenditure_total": total, "basic_expenditure": basic, "project_expenditure": proj,
             "three_public_total": tp, "staff_actual": staff}
    return "\n".join(lines) + "\n", facts


def _docx(text: str, path: Path) -> None:
    from docx import Document  # the benchmark's own dependency (python-docx, a project dependency)

    doc = Document()
    for line in text.splitlines():
        doc.add_paragraph(line)
    doc.save(str(path))


def generate(out: Path, count: int, docx_share: float = 0.3, seed: int = 1) -> Path:
    """Write ``count`` reports and the manifest into ``out``; return the manifest's path."""
    rng = random.Random(seed)
    places = _places()
    out.mkdir(parents=True, exist_ok=True)
    manifest = out / "manifest.csv"
    with manifest.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        keys = ["file", "unit_name", "province", "fiscal_year", "budget", "expenditure_total", "basic_expenditure",
                "project_expenditure", "three_public_total", "staff_actual"]
        w.writerow(keys)
        for n in range(count):
            text, facts = report(rng, rng.choice(places), n)
            stem = f"{n:06d}_{facts['unit_name']}_{facts['fiscal_year']}"
            path = out / (stem + (".docx" if rng.random() < docx_share else ".txt"))
            if path.suffix == ".docx":
                _docx(text, path)
            else:
                path.write_text(text, encoding="utf-8")
            w.writerow([path.name, *(facts[k] for k in keys[1:])])
    return manifest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--docx-share", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    print(generate(args.out, args.count, args.docx_share, args.seed))


if __name__ == "__main__":
    main()
