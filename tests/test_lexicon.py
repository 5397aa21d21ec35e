"""The data files: every shipped file validates; a user's data folder (``--data`` / ``JIXIAO_DATA``)
adds to lists and overrides settings; a broken file is refused with its file and line; caches follow
the data folder in effect."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.errors import DataError
from jixiao.extract import extract_text
from jixiao.extract.numbers import find_quantities
from jixiao.lexicon import data_dir, data_files, load_yaml, use_data, validate_all, validate_text
from jixiao.lexicon.schema import ReviewFile
from test_cli import SAMPLE_TXT, run


@pytest.fixture
def data(tmp_path, monkeypatch):
    """An empty user data folder, in effect for the test only."""
    monkeypatch.delenv("JIXIAO_DATA", raising=False)
    folder = tmp_path / "data"
    folder.mkdir()
    use_data(folder)
    yield folder
    use_data(None)


def write(folder: Path, name: str, text: str) -> Path:
    """Write a data file; when ``folder`` is the one in effect, have the loader read it again."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if data_dir() == folder.resolve():
        use_data(folder)
    return path


def test_every_shipped_file_validates(monkeypatch):
    monkeypatch.delenv("JIXIAO_DATA", raising=False)
    use_data(None)
    assert data_dir() is None
    validate_all()
    assert "kpi/司法行政.yaml" in data_files("kpi")


def test_lists_are_extended_and_mappings_merged_key_by_key(data):
    shipped = load_yaml("units.yaml")
    write(data, "units.yaml", "count: [盒]\nmoney: {分: '0.000001'}\n")
    units = load_yaml("units.yaml")
    assert units["count"] == [*shipped["count"], "盒"]
    assert units["money"] == {**shipped["money"], "分": "0.000001"}
    assert units["percent"] == shipped["percent"]  # untouched keys stay


def test_replace_true_replaces_the_shipped_file(data):
    write(data, "review.yaml", "replace: true\nlow_execution: {threshold: 60}\n")
    config = load_yaml("review.yaml")
    assert config["low_execution"] == {"threshold": 60}
    assert config["target_far_exceeded"] == {"ratio": 130}  # the schema's default, not the shipped file


def test_a_list_file_is_extended_or_replaced(data):
    write(data, "report_kinds.yaml", "- {kind: audit, title: 审计报告}\n")
    assert load_yaml("report_kinds.yaml")[-1] == {"kind": "audit", "title": "审计报告"}
    write(data, "report_kinds.yaml", "replace: true\nitems:\n  - {kind: audit, title: 审计报告}\n")
    assert load_yaml("report_kinds.yaml") == [{"kind": "audit", "title": "审计报告"}]


def test_overlay_switches_the_compiled_patterns(data):
    text = "整理归档档案320盒。"
    write(data, "units.yaml", "count: [盒]\n")
    assert [(q.value, q.unit) for q in find_quantities(text)] == [(320, "盒")]
    use_data(None)
    assert find_quantities(text) == []
    use_data(data)
    assert len(find_quantities(text)) == 1


def test_overlay_reaches_every_extraction_module(data):
    """Facts are compiled by a module with its own cache: switching the folder resets it too."""
    text = "一、部门基本情况\n本年度招待费3.20万元。\n"
    assert "three_public_reception" not in extract_text(text).facts
    write(data, "facts.yaml", "money:\n  - {key: three_public_reception, label: 招待费}\n")
    assert extract_text(text).facts["three_public_reception"].value == Decimal("3.20")
    use_data(None)
    assert "three_public_reception" not in extract_text(text).facts


def test_environment_variable_selects_the_folder(tmp_path, monkeypatch):
    use_data(None)
    write(tmp_path, "units.yaml", "count: [盒]\n")
    monkeypatch.setenv("JIXIAO_DATA", str(tmp_path))
    assert len(find_quantities("档案320盒")) == 1
    monkeypatch.delenv("JIXIAO_DATA")
    assert find_quantities("档案320盒") == []


def test_a_kpi_pack_only_in_the_overlay_is_added(data):
    write(data, "kpi/教育.yaml", """pack: 教育
applies_to: '教育'
indicators:
  - kpi: education.places
    label: '学位'
    units: [个]
""")
    assert data_files("kpi") == ["kpi/司法行政.yaml", "kpi/教育.yaml"]
    report = extract_text("全年新增学位320个。", "x.txt")
    assert [m.kpi for m in report.metrics] == ["education.places"]


def test_a_framework_only_in_the_overlay_is_added(data):
    from jixiao.score import framework_ids, load_framework

    shipped = (Path(__file__).parents[1] / "src/jixiao/data/frameworks/hunan_self_eval_table.yaml").read_text(
        encoding="utf-8")
    write(data, "frameworks/local_2025.yaml", shipped.replace("id: hunan_self_eval_table", "id: local_2025"))
    assert "local_2025" in framework_ids()
    assert load_framework("local_2025").id == "local_2025"


@pytest.mark.parametrize("name,text,line,words", [
    ("units.yaml", "count: [盒]\ncont: [个]\n", 2, ["cont", "不允许的键", "Extra inputs"]),
    ("facts.yaml", "money:\n  - key: x\n    label: '(招待费'\n", 3, ["正则表达式无效", "invalid regular expression"]),
    ("review.yaml", "low_execution:\n  threshold: 八十\n", 2, ["low_execution.threshold", "应为"]),
    ("outline.yaml", "sections:\n  - key: a\n    name: A\n    level: 3\n    match: A\n", 4, ["level"]),
    ("kpi/司法行政.yaml", "indicators:\n  - kpi: x.y\n    domain: nowhere\n    label: 某\n    units: [件]\n", 3,
     ["nowhere", "domain"]),
    ("units.yaml", "count: [盒\n", 2, ["YAML"]),
])
def test_an_invalid_file_names_its_file_and_line(data, name, text, line, words):
    path = write(data, name, text)
    with pytest.raises(DataError) as err:
        validate_all()
    assert err.value.path == str(path.resolve()) and err.value.line == line, str(err.value)
    for w in words:
        assert w in str(err.value)


def test_a_misspelt_file_name_is_refused(data):
    write(data, "unit.yaml", "count: [盒]\n")
    with pytest.raises(DataError, match="未知的数据文件"):
        validate_all()


def test_the_review_config_is_validated_too(tmp_path):
    from jixiao.review import load_config

    p = write(tmp_path, "review.yaml", "low_execution:\n  treshold: 50\n")
    with pytest.raises(DataError) as err:
        load_config(p)
    assert err.value.line == 2 and "treshold" in str(err.value)
    assert validate_text(ReviewFile, "", "x", empty_ok=True).low_execution.threshold == 80


def test_cli_data_folder_end_to_end(tmp_path):
    """A unit and a KPI synonym added in a data folder are used by ``jixiao extract --data``; a broken
    data folder stops the command with exit 2, naming the file and line."""
    report = tmp_path / "示例县司法局_2024年度自评报告.txt"
    report.write_text(SAMPLE_TXT.read_text(encoding="utf-8") + "\n全年整理归档档案320盒，接听群众来电1,200通。\n",
                      encoding="utf-8")
    import json

    def metrics(*args):
        code, out, err = run("extract", report, "--json", *args)
        assert code == 0, err
        return {m["label"]: m for m in json.loads(out)["metrics"]}

    before = metrics()
    assert "全年整理归档档案" not in before and before["接听群众来电"]["kpi"] is None
    folder = tmp_path / "mydata"
    write(folder, "units.yaml", "count: [盒]\n")
    write(folder, "kpi/司法行政.yaml", "indicators:\n  - {kpi: hotline.calls, label: '来电', units: [通]}\n")
    after = metrics("--data", folder)
    assert after["全年整理归档档案"]["value"] == 320 and after["全年整理归档档案"]["unit"] == "盒"
    assert after["接听群众来电"]["kpi"] == "hotline.calls"

    write(folder, "units.yaml", "count: [盒]\ncont: [个]\n")
    code, out, err = run("check", report, "--data", folder)
    assert code == 2 and out == ""
    assert "units.yaml" in err and "第 2 行" in err and "cont" in err and "Traceback" not in err


def test_one_word_list_feeds_every_file_that_names_it(data):
    """facts.yaml says change_words: '{@change}': extending the vocabulary list changes the facts too."""
    text = "一、部门基本情况\n本年基本支出缩减5.00万元。\n"
    assert "basic_expenditure" in extract_text(text).facts
    write(data, "vocabulary.yaml", "change: [缩减]\n")
    assert "缩减" in load_yaml("facts.yaml")["change_words"]
    assert "basic_expenditure" not in extract_text(text).facts  # a change, not the amount


def test_an_unknown_word_list_is_refused_with_its_line(data):
    write(data, "facts.yaml", "none_words: '无|{@nothing}'\n")
    with pytest.raises(DataError) as err:
        validate_all()
    assert err.value.line == 1 and "{@nothing}" in str(err.value) and "vocabulary.yaml" in str(err.value)


def test_every_data_file_and_word_list_is_documented():
    from jixiao.lexicon.schema import FILES, FOLDERS, VocabularyFile

    doc = (Path(__file__).resolve().parents[1] / "docs" / "data.md").read_text(encoding="utf-8")
    for name in [*FILES, *(f"{folder}/" for folder in FOLDERS)]:
        assert f"`{name}" in doc, name
    for word_list in VocabularyFile.model_fields:
        assert f"`{word_list}`" in doc, word_list


def test_a_framework_of_the_same_name_replaces_the_shipped_one_and_is_checked(data):
    from jixiao.score import FrameworkError, load_framework

    path = write(data, "frameworks/national_2013.yaml", "id: national_2013\nname: 本地\nsource: x\nweights_note: x\n"
                 "total: 10\ngrade_bands: [{grade: 优, min: 0}]\nindicators:\n  - name: 一\n    weight: 10\n"
                 "    rule: qualitative\n")
    with pytest.raises(FrameworkError) as err:
        load_framework("national_2013")
    assert str(path.resolve()) in str(err.value) and "第 8 行" in str(err.value)  # the leaf has no id


def test_a_missing_data_folder_is_refused(tmp_path, monkeypatch):
    code, out, err = run("extract", SAMPLE_TXT, "--data", tmp_path / "nowhere")
    assert code == 2 and "nowhere" in err and "Traceback" not in err
    monkeypatch.setenv("JIXIAO_DATA", str(tmp_path / "elsewhere"))
    code, out, err = run("check", SAMPLE_TXT)
    assert code == 2 and "elsewhere" in err and "Traceback" not in err
