"""Regenerate the binary sample reports under ``samples/``.

    .venv/bin/python tools/make_samples.py          # write the .docx and the .xlsx
    .venv/bin/python tools/make_samples.py --check  # regenerate in memory, compare with the files

Produces (fictional units; every figure below is invented):

* ``示例省样板县司法局_2023年度部门整体支出绩效自评报告.docx`` — Jiangxi-style outline; the
  level-1 (一、) and level-2 (（一）) headings use real Word automatic numbering defined in
  numbering.xml, so their numbers are not part of the paragraph text; one Word table
  (预算执行情况表).
* ``示例市示范区司法局_2024年度整体支出绩效自评表.xlsx`` — a 部门整体支出绩效自评表
  (frameworks.md §3.5 layout) matching the figures of the .txt sample of the same unit.
* ``示例县青石镇农业综合服务中心_2024年度项目支出绩效自评表.xlsx`` — two national 项目支出绩效自评表,
  one per sheet (two projects of one unit), with the defects listed at ``FORMS``.
* ``示例市滨河区公共就业和人才服务中心_2024年度项目支出绩效自评表.docx`` — a provincial variant (报表编号,
  指标性质, 度量单位, money in 元) as one Word table, defects at ``FORM_DOCX_MONEY``.
* ``示例县青山乡人民政府_2023年度项目支出绩效自评表.txt`` — two national forms as a web page copies them
  (cells separated by " | "), defects at ``FORM_TXT_FORMS``.

The deliberate inconsistencies are documented in ``samples/README.md`` and
``samples/expected.yaml``. The text of the .docx lives in ``DOCX_BLOCKS`` below, so the file can
be regenerated deterministically; zip entry timestamps and core properties are pinned so the
output is byte-stable.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
DOCX_NAME = "示例省样板县司法局_2023年度部门整体支出绩效自评报告.docx"
XLSX_NAME = "示例市示范区司法局_2024年度整体支出绩效自评表.xlsx"

FIXED_TIME = dt.datetime(2024, 3, 26, 9, 0, 0)  # docx core properties
FIXED_TIME_XLSX = dt.datetime(2025, 4, 18, 9, 0, 0)
ZIP_TIME = (2024, 1, 1, 0, 0, 0)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def D(s: str | int) -> Decimal:
    return Decimal(str(s))


def pct(actual: Decimal, base: Decimal, places: int = 2) -> str:
    """actual/base as a percent string, rounded half up (四舍五入)."""
    q = Decimal(1).scaleb(-places)
    return f"{(actual / base * 100).quantize(q, rounding=ROUND_HALF_UP)}%"


def money(v: Decimal) -> str:
    return f"{v.quantize(Decimal('0.01'))}"


# ---------------------------------------------------------------------------------------------
# Sample 2: 样板县司法局 2023 (Jiangxi outline) — figures
# ---------------------------------------------------------------------------------------------

# (name, 年初预算, 全年预算, 实际支出); adjustment = 全年 − 年初
S2_PROJECTS = [
    ("法律援助专项经费", D("60.00"), D("70.00"), D("68.42")),
    ("人民调解“以案定补”经费", D("45.00"), D("45.00"), D("43.80")),
    ("社区矫正工作经费", D("40.00"), D("38.50"), D("37.26")),
    ("普法宣传经费", D("30.00"), D("32.00"), D("31.16")),
]
S2_BASIC = (D("590.00"), D("618.20"), D("612.38"))
S2_BASIC_PARTS = {"工资福利支出": D("468.20"), "商品和服务支出": D("71.46"),
                  "对个人和家庭的补助": D("69.52"), "资本性支出": D("3.20")}
S2_PERSONNEL, S2_PUBLIC = D("537.72"), D("74.66")
S2_THREE_PUBLIC = {"公务用车购置及运行维护费": D("4.35"), "公务接待费": D("0.62"), "因公出国（境）费": D("0")}
S2_PROJECT_TOTAL = tuple(sum((p[i] for p in S2_PROJECTS), Decimal(0)) for i in (1, 2, 3))
S2_TOTAL = tuple(S2_BASIC[i] + S2_PROJECT_TOTAL[i] for i in range(3))
S2_CARRYOVER = S2_TOTAL[1] - S2_TOTAL[2]


def _check_s2_figures() -> None:
    assert sum(S2_BASIC_PARTS.values()) == S2_BASIC[2]
    assert S2_PERSONNEL + S2_PUBLIC == S2_BASIC[2]
    assert S2_PERSONNEL == S2_BASIC_PARTS["工资福利支出"] + S2_BASIC_PARTS["对个人和家庭的补助"]
    assert S2_PROJECT_TOTAL == (D("175.00"), D("185.50"), D("180.64"))
    assert S2_TOTAL == (D("765.00"), D("803.70"), D("793.02"))
    assert S2_CARRYOVER == D("10.68")
    for _name, budget, _full, actual in S2_PROJECTS:  # no low execution in this sample
        assert actual / budget >= D("0.8")
    assert pct(D(721), D(735), 1) == "98.1%"


def _s2_projects_sentence() -> str:
    parts = []
    for name, budget, full, actual in S2_PROJECTS:
        adj = full - budget
        if adj > 0:
            mid = f"年中追加{money(adj)}万元"
        elif adj < 0:
            mid = f"年中调减{money(-adj)}万元"
        else:
            mid = "年中未作调整"
        parts.append(f"{name}年初预算{money(budget)}万元，{mid}，实际支出{money(actual)}万元")
    return (f"项目支出{money(S2_PROJECT_TOTAL[2])}万元，共{len(S2_PROJECTS)}个项目：" + "；".join(parts) + "。")


def _s2_table() -> list[list[str]]:
    rows = [["项目", "年初预算", "全年预算", "实际支出", "执行率"]]

    def row(label: str, b: Decimal, f: Decimal, a: Decimal) -> list[str]:
        return [label, money(b), money(f), money(a), pct(a, f)]

    rows.append(row("基本支出", *S2_BASIC))
    rows.append(row("项目支出", *S2_PROJECT_TOTAL))
    for i, (name, b, f, a) in enumerate(S2_PROJECTS):
        rows.append(row(("其中：" if i == 0 else "") + name, b, f, a))
    rows.append(row("合计", *S2_TOTAL))
    return rows


_DUP_A = ("在法治宣传方面，我局以“八五”普法规划为统领，围绕宪法、民法典和与群众生产生活密切相关的法律法规，"
          "组织开展“法律进乡村”“法律进校园”“法律进企业”系列活动，全年开展普法宣传活动126场，发放宣传资料23000份，"
          "在各乡镇集镇和中心村建成法治文化广场和法治宣传长廊，群众学法用法的氛围日益浓厚。")
# deliberate copy-paste (duplicate-paragraph): only "共" added
_DUP_B = _DUP_A.replace("全年开展普法宣传活动", "全年共开展普法宣传活动")

# Blocks: ("title"|"p"|"pc"|"pr"|"h1"|"h2"|"table", payload). h1/h2 text carries NO number:
# the number comes from Word's numbering (numbering.xml).
DOCX_BLOCKS: list[tuple[str, object]] = [
    ("title", "2023年度样板县司法局部门整体支出绩效自评报告"),
    ("pc", "部门（单位）：样板县司法局（盖章）"),
    ("h1", "部门（单位）概况"),
    ("h2", "部门（单位）主要职责职能，组织架构、人员及资产等基本情况"),
    ("p", "示例市样板县司法局是县人民政府主管全县司法行政工作的工作部门，同时承担县委全面依法治县委员会办公室的日常工作。"
          "主要职责职能包括："),
    ("p", "1.承担全面依法治县重大问题的调查研究和统筹协调，拟订全县法治建设年度计划，督促落实县委依法治县决策部署，组织开展法治督察。"),
    ("p", "2.负责县政府规范性文件和重大行政决策的合法性审查，统筹县政府法律顾问工作，推进行政执法规范化建设，承办县政府行政复议和行政应诉案件。"),
    ("p", "3.负责全县法治宣传教育，组织实施“八五”普法规划，落实国家机关“谁执法谁普法”普法责任制，指导依法治理和民主法治示范村（社区）创建工作，推进法治文化阵地建设和“法律明白人”培养。"),
    ("p", "4.指导全县人民调解工作，推进乡镇司法所规范化建设，参与重大矛盾纠纷的排查化解，负责人民陪审员、人民监督员选任管理的有关工作。"),
    ("p", "5.负责全县社区矫正工作的组织实施和监督管理，指导刑满释放人员的衔接帮教和安置工作。"),
    ("p", "6.统筹全县公共法律服务体系建设，统筹配置城乡法律服务资源，组织实施法律援助，指导监督律师、基层法律服务工作者和村（居）法律顾问的执业活动。"),
    ("p", "7.负责本系统财务、装备、信息化等保障工作，指导本系统队伍建设和司法所工作人员的业务培训。"),
    ("p", "8.完成县委、县政府交办的其他任务。"),
    ("p", "组织架构：本部门为县本级一级预算单位，无下属二级预算单位。局机关内设6个职能股室：办公室、法治督察股、"
          "行政复议与应诉股、普法与依法治理股、社区矫正股、公共法律服务股。局机关下设司法所12个，分别为：城关司法所、"
          "石门司法所、桃溪司法所、河口司法所、龙岗司法所、梅岭司法所、金田司法所、松湖司法所、大坪司法所、上塘司法所、"
          "清水司法所、白鹭司法所。"),
    # deliberate: 实有人数 33 > 编制数 28 (staff-over-quota)
    ("p", "人员情况：截至2023年12月31日，本部门编制数28人，其中行政编制24人、工勤编制4人；实有人数33人，"
          "其中行政人员29人、工勤人员4人。另有退休人员11人，编外聘用人员25人。"),
    ("p", "资产情况：截至2023年末，本部门资产总额286.45万元，其中固定资产原值231.80万元、无形资产12.60万元。"
          "2023年新增固定资产153600.00元，主要为司法所视频调解终端和办公电脑；处置固定资产0元。"
          "固定资产均由办公室统一登记、统一管理，年末盘点账实相符。"),
    ("h2", "当年部门（单位）履职总体目标、工作任务"),
    ("p", "2023年，我局履职总体目标是：围绕建设“法治样板县”的工作主线，统筹推进法治政府和法治社会建设，深化矛盾纠纷源头化解，"
          "确保社区矫正对象监管安全稳定，完善覆盖城乡的公共法律服务体系，为全县经济社会发展营造良好的法治环境。"),
    ("p", "主要工作任务：一是做好县政府重大行政决策、规范性文件和重大合同的合法性审查，推进行政执法“三项制度”落实；"
          "二是健全县、乡、村三级人民调解组织网络，做好重点领域矛盾纠纷的排查化解；三是规范社区矫正执法，落实分类管理和个别化矫正；"
          "四是扩大法律援助覆盖面，推进村（居）法律顾问工作提质增效；五是组织“八五”普法中期评估，推进法治文化阵地建设；"
          "六是加强司法所规范化建设和基层队伍业务培训，提升基层司法行政工作的整体水平。"),
    ("h2", "当年部门（单位）整体支出绩效目标"),
    ("p", "1.投入管理目标：预算编制科学完整，预算执行率不低于95%，“三公”经费支出不超过年初预算，严格执行政府采购、资产管理和财务管理制度。"),
    ("p", "2.产出目标：全年办理法律援助案件不少于180件；人民调解成功率不低于95%；全年开展普法宣传活动不少于100场；"
          "社区矫正对象无脱管漏管；行政复议案件均在法定期限内办结。"),
    ("p", "3.效果目标：群众法治意识和法治素养进一步提升，矛盾纠纷就地化解能力稳步增强，服务对象满意度不低于90%。"),
    ("h2", "预算绩效管理开展情况"),
    ("p", "根据示例省财政厅和样板县财政局关于开展2023年度预算绩效自评工作的部署，我局成立了以局长为组长、分管副局长为副组长、"
          "各股室负责人为成员的绩效自评工作领导小组，按照“股室自评、财务汇总、集体审定”的方式开展部门整体支出绩效自评。"
          "自评小组逐项核对了会计账簿、记账凭证和各业务股室的工作台账，并到部分司法所实地了解项目资金使用情况。"),
    ("p", "在日常管理中，我局坚持绩效目标与部门预算同步编制、同步申报、同步批复，对项目支出实行预算执行进度和绩效目标实现程度“双监控”，"
          "每季度召开一次预算执行分析会，对执行进度偏慢的项目及时督促整改，年中根据工作任务变化按程序调整预算。"),
    ("p", "在制度建设方面，我局修订完善了《样板县司法局财务管理办法》《样板县司法局专项资金管理办法》和《样板县司法局国有资产管理办法》，"
          "明确了各项经费的开支范围、审批权限和报销程序，实行“股室申请、分管领导审核、主要领导审批”的支出审批流程，"
          "5万元以上的支出事项须经局党组会议集体研究。全年政府采购事项均通过政府采购平台实施，未发生化整为零规避采购的情况。"),
    ("p", "2023年7月，我局按要求对部门整体支出和各项目支出开展了年中绩效运行监控，对照绩效目标逐项分析上半年的完成进度。"
          "监控发现法律援助案件数量增长较快、办案补贴资金存在缺口，普法宣传经费难以满足中期评估整改任务的需要，"
          "我局据此向县财政局申请了预算调整，保证了下半年各项工作的顺利开展。"),
    ("h2", "当年预算及执行情况"),
    ("p", f"2023年度本部门年初预算{money(S2_TOTAL[0])}万元，年中追加调整后全年预算{money(S2_TOTAL[1])}万元，全部为一般公共预算财政拨款。"
          f"本年收入合计{money(S2_TOTAL[1])}万元，本年支出合计{money(S2_TOTAL[2])}万元，年末结转结余{money(S2_CARRYOVER)}万元，"
          f"预算执行率{pct(S2_TOTAL[2], S2_TOTAL[1])}。"),
    ("p", f"基本支出{money(S2_BASIC[2])}万元，其中："
          + "，".join(f"{k}{money(v)}万元" for k, v in S2_BASIC_PARTS.items())
          + f"；按经费性质分，人员经费{money(S2_PERSONNEL)}万元，公用经费{money(S2_PUBLIC)}万元。"
          + f"“三公”经费支出{money(sum(S2_THREE_PUBLIC.values()))}万元，其中公务用车购置及运行维护费"
          + f"{money(S2_THREE_PUBLIC['公务用车购置及运行维护费'])}万元（全部为运行维护费），公务接待费"
          + f"{money(S2_THREE_PUBLIC['公务接待费'])}万元，因公出国（境）费0万元。"),
    ("p", _s2_projects_sentence()),
    ("p", "年中预算调整的主要原因：一是法律援助案件数量较上年明显增加，且省里提高了部分案件的办案补贴标准，追加了法律援助专项经费；"
          "二是结合“八五”普法中期评估整改任务，追加了普法宣传经费；三是社区矫正工作经费中原计划购买的部分心理矫治服务改由县司法局与县卫健部门"
          "合作开展，相应调减了预算。基本支出的增加主要是落实年度工资政策调整和人员变动所致。"),
    ("p", "本部门2023年度无政府性基金预算、国有资本经营预算和社会保险基金预算支出。"),
    ("pc", "表1  2023年度预算执行情况表（单位：万元）"),
    ("table", _s2_table()),
    ("h1", "部门（单位）整体支出绩效实现情况"),
    ("p", "经对照年初设定的绩效目标逐项评价，本部门2023年度整体支出绩效自评得分96.5分，评价等级为“优”。具体情况如下："),
    ("h2", "履职完成情况"),
    ("p", "1.数量指标完成情况。"),
    ("p", "（1）人民调解。全县共有各级人民调解委员会196个，专兼职人民调解员600余名。2023年全县共调解矛盾纠纷735件，"
          "调解成功721件，调解成功率98.1%，涉及金额约1120万元，其中化解土地山林权属、婚姻家庭和邻里纠纷等重点领域纠纷408件。"
          "全年组织春节、汛期和秋收前后等重点时段的矛盾纠纷集中排查，对排查出的苗头性问题建立台账、逐件销号，"
          "在县人民法院和县信访局设立人民调解工作室，开展诉前调解和信访事项的联合调处。"),
    ("p", "（2）法律援助。全年办理法律援助案件206件，超过年度目标180件，其中刑事案件78件、民事案件121件、行政案件7件；"
          "县公共法律服务中心和各乡镇工作站全年解答法律咨询3450人次。"),
    ("p", "（3）社区矫正和安置帮教。全年累计接收社区矫正对象61人，解除矫正57人，年末在册社区矫正对象98人，"
          "其中缓刑90人、假释3人、暂予监外执行4人、管制1人；列管安置帮教对象286人，刑满释放人员均按规定落实衔接措施。"
          "对新接收的社区矫正对象全部开展入矫宣告和风险评估，按照风险等级实行分类管理，"
          "组织社区矫正对象参加集中教育和公益活动，会同人社、民政部门为有需要的对象提供职业技能培训和临时救助。"),
    ("p", "（4）法治政府建设。全年收到行政复议申请46件，受理41件，审结38件，审结案件中维持22件、驳回4件、撤销5件、确认违法3件、终止4件；为县政府重大决策、规范性文件和重大合同出具合法性审查意见52份，"
          "组织行政执法案卷评查1次。"),
    ("p", "（5）法治宣传。" + _DUP_A),
    ("p", "（6）公共法律服务。依托县公共法律服务中心和各乡镇公共法律服务工作站，推行“窗口受理、分类办理、限时办结”的工作模式，"
          "全县各村（居）均聘请了法律顾问，全年为村（居）委会审查合同和村规民约，参与调处疑难纠纷，开展“法律顾问进村日”活动。"
          "在县人民法院和看守所设立法律援助工作站，落实值班律师制度，为犯罪嫌疑人、被告人提供法律帮助。"),
    ("p", "2.质量指标完成情况。全年社区矫正对象无脱管漏管，未发生重新违法犯罪；法律援助案件经抽查评估均达到质量标准；"
          "行政复议案件办理程序规范，未发生被上级机关纠错的情况；人民调解协议书格式规范、内容完整，经县级抽查的调解卷宗均符合立卷归档要求。"),
    ("p", "3.时效指标完成情况。法律援助申请均在法定期限内审查并指派，对农民工讨薪等紧急案件实行当日受理、当日指派；"
          "行政复议案件均在法定期限内办结；社区矫正调查评估均在委托机关要求的期限内完成；各项资金按照国库集中支付规定及时拨付。"),
    ("p", "4.成本指标完成情况。“三公”经费支出4.97万元，未超过年初预算5.50万元；各项目支出均控制在批复的全年预算范围内，未发生超预算支出。"),
    ("h2", "履职效果情况"),
    ("p", "1.社会效益。全县矛盾纠纷多元化解机制更加健全，大部分矛盾纠纷在村（社区）和乡镇得到就地化解，未发生因调处不及时引发的群体性事件；"
          "法律援助让困难群众在家门口就能获得法律帮助，群众依法维权的渠道更加畅通。"),
    ("p", _DUP_B),  # deliberate duplicate of the （5）法治宣传 paragraph
    ("p", "2023年8月，桃溪镇两个村民小组因山林界址不清发生纠纷，双方情绪激动，有激化的苗头。桃溪司法所接报后，会同镇林业站、"
          "村调委会查阅林权档案、实地踏勘界址，先后组织五次调解，最终促成双方重新确认界址并签订调解协议，纠纷得到彻底化解。"
          "这类纠纷的成功调处，体现了基层调解组织在维护农村和谐稳定中的重要作用。"),
    ("p", "在法治政府建设方面，县政府重大行政决策和规范性文件实现合法性审查全覆盖，行政执法“三项制度”在县直执法部门落地见效，"
          "行政复议化解行政争议的主渠道作用进一步发挥，全县依法行政水平稳步提高，营造了公平公正的法治环境。"),
    ("p", "2.经济效益。通过人民调解和法律援助帮助群众追回劳动报酬、赔偿款项等，减少了群众的诉讼成本和经济损失；"
          "村（居）法律顾问为村级集体经济合同把关，防范了集体资产流失风险；在优化营商环境方面，组织律师为县内中小企业开展“法治体检”，"
          "帮助企业完善劳动用工、合同管理等制度，降低了企业的法律风险。"),
    ("h2", "社会满意度及可持续性影响"),
    ("p", "1.社会满意度。2023年12月，我局通过电话回访和发放调查问卷的方式，对法律援助受援人、人民调解当事人和公共法律服务中心办事群众开展满意度调查，"
          "综合满意度为94.6%，达到年初设定的目标。群众反映较多的意见主要集中在偏远乡镇法律服务的便利程度和办事等候时间等方面，"
          "我局已将其纳入下一年度的改进计划。"),
    ("p", "2.可持续性影响。县、乡、村三级公共法律服务平台实现全覆盖，人民调解、法律援助与社区矫正工作机制逐步健全，"
          "群众法治意识和法律素养逐年提升，为建设更高水平的法治样板县奠定了基础。人民调解员、村（居）法律顾问和“法律明白人”队伍相对稳定，"
          "形成了较为完整的基层法治工作力量，相关工作机制可以在今后持续发挥作用。"),
    ("h1", "部门（单位）整体支出绩效中存在问题及改进措施"),
    ("h2", "存在问题"),
    ("p", "无。"),  # deliberate empty-section
    ("h2", "改进的方向和具体措施"),
    ("p", "1.进一步提高预算编制质量。结合近年来法律援助案件量和普法宣传任务的变化，科学测算项目资金需求，减少年中追加和调减，提高预算的准确性和约束力。"
          "对新增项目开展事前绩效评估，未经论证的项目不纳入年初预算。"),
    ("p", "2.进一步加强预算执行监控。严格执行季度预算执行分析制度，对执行进度滞后的项目及时查找原因、督促整改，确保资金及时发挥效益。"
          "同时加强对项目资金使用的跟踪检查，重点检查法律援助办案补贴、人民调解“以案定补”资金的发放依据和发放程序。"),
    ("p", "3.进一步完善绩效指标体系。细化人民调解、法律援助、社区矫正和法治宣传等核心业务的量化指标，合理设定目标值，提高绩效目标的可衡量性和可考核性。"
          "建立业务数据月报制度，由各业务股室按月报送工作数据，办公室统一汇总核对，保证绩效评价数据真实可靠。"),
    ("p", "4.进一步加强基层力量建设。积极争取充实司法所工作力量，加强人民调解员和法律援助志愿者的业务培训，提升基层法律服务能力。"
          "推动县、乡、村三级公共法律服务平台向偏远乡镇延伸，通过远程视频、巡回服务等方式方便群众就近获得法律服务。"),
    ("p", "5.强化绩效结果应用。将自评结果作为下一年度预算编制和资金安排的重要依据，并按规定随部门决算向社会公开，主动接受监督。"),
    ("pr", "样板县司法局"),
    ("pr", "2024年3月26日"),
]


# ---------------------------------------------------------------------------------------------
# docx writer
# ---------------------------------------------------------------------------------------------

NUMBERING_ABSTRACT_ID = 20
NUMBERING_NUM_ID = 20


def _numbering_xml() -> tuple[str, str]:
    """The abstractNum (一、 / （一）, chineseCounting) and the num that points at it.

    In Word's lvlText, ``%1`` is the counter of level 0 and ``%2`` that of level 1, so the
    level-1 pattern is ``（%2）`` (``（%1）`` would repeat the parent's number). Level 1
    restarts after each level-0 heading (Word's default when lvlRestart is absent).
    """
    abstract = f"""<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{NUMBERING_ABSTRACT_ID}">
  <w:nsid w:val="5A3B1C20"/>
  <w:multiLevelType w:val="multilevel"/>
  <w:tmpl w:val="6E2F4A10"/>
  <w:lvl w:ilvl="0">
    <w:start w:val="1"/>
    <w:numFmt w:val="chineseCounting"/>
    <w:suff w:val="nothing"/>
    <w:lvlText w:val="%1、"/>
    <w:lvlJc w:val="left"/>
    <w:pPr><w:ind w:left="0" w:firstLine="640"/></w:pPr>
    <w:rPr><w:rFonts w:ascii="黑体" w:eastAsia="黑体" w:hAnsi="黑体" w:hint="eastAsia"/></w:rPr>
  </w:lvl>
  <w:lvl w:ilvl="1">
    <w:start w:val="1"/>
    <w:numFmt w:val="chineseCounting"/>
    <w:suff w:val="nothing"/>
    <w:lvlText w:val="（%2）"/>
    <w:lvlJc w:val="left"/>
    <w:pPr><w:ind w:left="0" w:firstLine="640"/></w:pPr>
    <w:rPr><w:rFonts w:ascii="楷体_GB2312" w:eastAsia="楷体_GB2312" w:hAnsi="楷体_GB2312" w:hint="eastAsia"/></w:rPr>
  </w:lvl>
</w:abstractNum>"""
    num = (f'<w:num xmlns:w="{W_NS}" w:numId="{NUMBERING_NUM_ID}">'
           f'<w:abstractNumId w:val="{NUMBERING_ABSTRACT_ID}"/></w:num>')
    return abstract, num


def _set_font(run_or_style_font, name: str, size_pt: float | None = None, bold: bool | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    font = run_or_style_font
    font.name = name
    if size_pt is not None:
        font.size = Pt(size_pt)
    if bold is not None:
        font.bold = bold
    font.color.rgb = RGBColor(0, 0, 0)
    rfonts = font._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        rfonts.set(qn(attr), name)


def build_docx() -> bytes:
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.shared import Pt

    _check_s2_figures()
    doc = docx.Document()

    # styles (GB/T 9704 flavour: 仿宋 三号 body, 黑体 / 楷体 headings)
    normal = doc.styles["Normal"]
    _set_font(normal.font, "仿宋_GB2312", 16)
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.first_line_indent = Pt(32)
    for sname, fname in (("Heading 1", "黑体"), ("Heading 2", "楷体_GB2312")):
        st = doc.styles[sname]
        _set_font(st.font, fname, 16, bold=False)
        st.font.italic = False
        st.paragraph_format.space_before = Pt(0)
        st.paragraph_format.space_after = Pt(0)
        st.paragraph_format.first_line_indent = Pt(32)
        st.paragraph_format.keep_with_next = True
    title_style = doc.styles["Title"]
    _set_font(title_style.font, "方正小标宋简体", 22, bold=False)

    # numbering.xml: add our abstractNum (before the first <w:num>) and num
    numbering = doc.part.numbering_part.element
    abstract_xml, num_xml = _numbering_xml()
    abstract_el, num_el = parse_xml(abstract_xml), parse_xml(num_xml)
    first_num = numbering.find(f"{{{W_NS}}}num")
    if first_num is not None:
        first_num.addprevious(abstract_el)
    else:
        numbering.append(abstract_el)
    numbering.append(num_el)

    def numbered_heading(text: str, level: int) -> None:
        p = doc.add_paragraph(text, style="Heading 1" if level == 0 else "Heading 2")
        numpr = p._p.get_or_add_pPr().get_or_add_numPr()
        numpr.get_or_add_ilvl().val = level
        numpr.get_or_add_numId().val = NUMBERING_NUM_ID

    for kind, payload in DOCX_BLOCKS:
        if kind == "title":
            p = doc.add_paragraph(str(payload), style="Title")
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.first_line_indent = Pt(0)
            # the Title style of the default template has a bottom border; drop it
            ppr = doc.styles["Title"].element.pPr
            if ppr is not None:
                for bdr in ppr.findall(f"{{{W_NS}}}pBdr"):
                    ppr.remove(bdr)
        elif kind == "h1":
            numbered_heading(str(payload), 0)
        elif kind == "h2":
            numbered_heading(str(payload), 1)
        elif kind in ("p", "pc", "pr"):
            p = doc.add_paragraph(str(payload))
            if kind == "pc":
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                p.paragraph_format.first_line_indent = Pt(0)
            elif kind == "pr":
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif kind == "table":
            rows = payload  # type: ignore[assignment]
            table = doc.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = doc.styles["Table Grid"]
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    cell = table.cell(r, c)
                    cell.text = value
                    para = cell.paragraphs[0]
                    para.paragraph_format.first_line_indent = Pt(0)
                    para.alignment = WD_ALIGN_PARAGRAPH.LEFT if c == 0 else WD_ALIGN_PARAGRAPH.CENTER
                    for run in para.runs:
                        run.font.size = Pt(12)
                        run.bold = r == 0
        else:  # pragma: no cover
            raise ValueError(kind)

    cp = doc.core_properties
    cp.author = "样板县司法局"
    cp.last_modified_by = "样板县司法局"
    cp.title = "2023年度样板县司法局部门整体支出绩效自评报告"
    cp.subject = "部门整体支出绩效自评报告"
    cp.keywords = "jixiao sample; fictional"
    cp.comments = "Fictional sample generated by tools/make_samples.py"
    cp.created = FIXED_TIME
    cp.modified = FIXED_TIME
    cp.last_printed = FIXED_TIME
    cp.revision = 1

    buf = io.BytesIO()
    doc.save(buf)
    return _stable_zip(buf.getvalue())


# ---------------------------------------------------------------------------------------------
# xlsx writer: 示范区司法局 2024 部门整体支出绩效自评表 (figures of the .txt sample)
# ---------------------------------------------------------------------------------------------

# (label, 年初预算数, 全年预算数, 全年执行数)
X_TOTAL = (D("1491.00"), D("1530.16"), D("1512.99"))
X_BY_SOURCE = [
    ("一般公共预算", X_TOTAL),
    ("政府性基金拨款", (D("0.00"),) * 3),
    ("纳入专户管理的非税收入拨款", (D("0.00"),) * 3),
    ("其他资金", (D("0.00"),) * 3),
]
X_BY_NATURE = [
    ("基本支出", (D("1080.00"), D("1143.62"), D("1126.47"))),
    ("项目支出", (D("411.00"), D("386.54"), D("386.52"))),
]
# (一级, 二级, 三级, 年度指标值, 实际完成值, 分值, 得分, 偏差原因分析及改进措施)
X_INDICATORS = [
    ("产出指标", "数量指标", "调解矛盾纠纷数", "≥1000件", "1260件", 8, 8, ""),
    ("产出指标", "数量指标", "办理法律援助案件数", "≥560件", "648件", 8, 8, ""),
    ("产出指标", "数量指标", "开展普法宣传活动场次", "≥300场", "320余场", 6, 6, ""),
    # deliberate target-missed: 158 < 165
    ("产出指标", "数量指标", "行政复议案件审结数", "≥165件", "158件", 6, 5,
     "部分案件案情复杂、依法延长审理期限，14件跨年度审结；下一步加强案件繁简分流，提高审结效率。"),
    ("产出指标", "质量指标", "人民调解成功率", "≥95%", "98.5%", 6, 6, ""),
    ("产出指标", "质量指标", "社区矫正对象脱管漏管人数", "0人", "0人", 6, 6, ""),
    ("产出指标", "时效指标", "法律援助案件指派及时率", "100%", "100%", 5, 5, ""),
    ("产出指标", "成本指标", "“三公”经费支出", "≤9.50万元", "8.17万元", 5, 5, ""),
    ("效益指标", "社会效益指标", "社区矫正对象重新犯罪率", "≤0.2%", "0%", 10, 10, ""),
    ("效益指标", "社会效益指标", "群众法治意识", "明显提升", "明显提升", 10, 10, ""),
    ("效益指标", "可持续影响指标", "村（社区）法律顾问覆盖率", "100%", "100%", 10, 10, ""),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", "96.3%", 10, 10, ""),
]


def _check_x_figures() -> None:
    for i in range(3):
        assert sum((v[i] for _, v in X_BY_SOURCE), Decimal(0)) == X_TOTAL[i]
        assert sum((v[i] for _, v in X_BY_NATURE), Decimal(0)) == X_TOTAL[i]
    assert X_BY_NATURE[0][1][2] == D("1126.47") and X_BY_NATURE[1][1][2] == D("386.52")
    assert pct(X_TOTAL[2], X_TOTAL[1]) == "98.88%"
    assert sum(r[5] for r in X_INDICATORS) == 90
    assert sum(r[6] for r in X_INDICATORS) == 89


def _exec_score(total: tuple[Decimal, Decimal, Decimal]) -> Decimal:
    return (total[2] / total[1] * 10).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def build_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    _check_x_figures()
    wb = Workbook()
    ws = wb.active
    ws.title = "部门整体支出绩效自评表"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    bold = Font(name="宋体", bold=True, size=11)
    normal = Font(name="宋体", size=11)

    for col, width in zip("ABCDEFGH", (14, 16, 22, 14, 14, 10, 10, 36), strict=True):
        ws.column_dimensions[col].width = width

    def put(ref: str, value, *, font=normal, align=center, number_format: str | None = None) -> None:
        cell = ws[ref]
        cell.value = value
        cell.font = font
        cell.alignment = align
        if number_format:
            cell.number_format = number_format

    def frame(rng: str) -> None:
        for row in ws[rng]:
            for cell in row:
                cell.border = border

    ws.merge_cells("A1:H1")
    put("A1", "部门整体支出绩效自评表", font=Font(name="宋体", bold=True, size=16))
    ws.merge_cells("A2:H2")
    put("A2", "（2024年度）")
    put("A3", "预算部门、单位名称", font=bold)
    ws.merge_cells("B3:H3")
    put("B3", "示例市示范区司法局", align=left)

    # 年度预算执行情况 block, rows 4..13
    r0 = 4
    ws.merge_cells(start_row=r0, start_column=1, end_row=r0 + 9, end_column=1)
    put(f"A{r0}", "年度预算申请（万元）", font=bold)
    for col, head in zip("BCDEFGH", ("", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "自评得分"),
                         strict=True):
        put(f"{col}{r0}", head, font=bold)

    def money_row(r: int, label: str, vals, *, score: bool = False, indent: bool = False) -> None:
        put(f"B{r}", label, align=left)
        for col, v in zip("CDE", vals, strict=True):
            put(f"{col}{r}", float(v), number_format="0.00")
        put(f"G{r}", pct(vals[2], vals[1]) if vals[1] else "—")
        if score:
            put(f"F{r}", 10)
            put(f"H{r}", float(_exec_score(vals)), number_format="0.00")

    money_row(r0 + 1, "年度资金总额", X_TOTAL, score=True)
    put(f"B{r0 + 2}", "按收入性质分：", align=left, font=bold)
    for i, (label, vals) in enumerate(X_BY_SOURCE):
        money_row(r0 + 3 + i, label, vals)
    put(f"B{r0 + 7}", "按支出性质分：", align=left, font=bold)
    for i, (label, vals) in enumerate(X_BY_NATURE):
        money_row(r0 + 8 + i, label, vals)
    frame(f"A{r0}:H{r0 + 9}")

    # 年度总体目标, rows 14..15
    r = r0 + 10
    ws.merge_cells(start_row=r, start_column=1, end_row=r + 1, end_column=1)
    put(f"A{r}", "年度总体目标", font=bold)
    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=4)
    put(f"B{r}", "预期目标", font=bold)
    ws.merge_cells(start_row=r, start_column=5, end_row=r, end_column=8)
    put(f"E{r}", "实际完成情况", font=bold)
    ws.merge_cells(start_row=r + 1, start_column=2, end_row=r + 1, end_column=4)
    put(f"B{r + 1}", "保障机关和9个司法所正常运转；全年调解矛盾纠纷不少于1000件、人民调解成功率不低于95%；"
                     "办理法律援助案件不少于560件；社区矫正对象不发生脱管漏管；开展普法宣传活动不少于300场；"
                     "“三公”经费不超预算；服务对象满意度不低于90%。", align=left)
    ws.merge_cells(start_row=r + 1, start_column=5, end_row=r + 1, end_column=8)
    put(f"E{r + 1}", "机关和司法所运转正常；调解矛盾纠纷1260件，调解成功率98.5%；受理法律援助案件648件；"
                     "社区矫正对象无脱管漏管；开展普法宣传活动320余场；“三公”经费支出8.17万元；"
                     "服务对象满意度96.3%。行政复议案件审结158件，未达到年度指标值。", align=left)
    ws.row_dimensions[r + 1].height = 96
    frame(f"A{r}:H{r + 1}")

    # 绩效指标, header at row 16
    r = r0 + 12
    for col, head in zip("ABCDEFGH", ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                                       "偏差原因分析及改进措施"), strict=True):
        put(f"{col}{r}", head, font=bold)
    first = r + 1
    for i, row in enumerate(X_INDICATORS):
        rr = first + i
        for col, v in zip("ABCDEFGH", row, strict=True):
            put(f"{col}{rr}", v if v != "" else None, align=left if col in "CH" else center)
    last = first + len(X_INDICATORS) - 1

    # merge runs of equal 一级 / (一级, 二级) labels, as the paper form does
    for col_idx in (1, 2):
        start = 0
        for i in range(1, len(X_INDICATORS) + 1):
            if i < len(X_INDICATORS) and X_INDICATORS[i][:col_idx] == X_INDICATORS[start][:col_idx]:
                continue
            if i - 1 > start:
                ws.merge_cells(start_row=first + start, start_column=col_idx,
                               end_row=first + i - 1, end_column=col_idx)
            start = i
    total_row = last + 1
    ws.merge_cells(start_row=total_row, start_column=1, end_row=total_row, end_column=5)
    put(f"A{total_row}", "总分", font=bold)
    put(f"F{total_row}", 100, font=bold)
    self_score = _exec_score(X_TOTAL) + sum(Decimal(r[6]) for r in X_INDICATORS)
    assert self_score == D("98.89")
    put(f"G{total_row}", float(self_score), font=bold, number_format="0.00")
    put(f"H{total_row}", "自评等级：优", font=bold)
    frame(f"A{r}:H{total_row}")

    put(f"A{total_row + 2}", "填表人：局办公室", align=left)
    put(f"E{total_row + 2}", "填报日期：2025年4月18日", align=left)

    wb.properties.creator = "示例市示范区司法局"
    wb.properties.lastModifiedBy = "示例市示范区司法局"
    wb.properties.title = "2024年度部门整体支出绩效自评表"
    wb.properties.created = FIXED_TIME_XLSX
    buf = io.BytesIO()
    wb.save(buf)
    return _stable_zip(buf.getvalue(), modified=FIXED_TIME_XLSX)


# ---------------------------------------------------------------------------------------------
# xlsx writer: 示例县青石镇农业综合服务中心 2024 项目支出绩效自评表, one form per sheet (two projects)
# ---------------------------------------------------------------------------------------------

FORMS_NAME = "示例县青石镇农业综合服务中心_2024年度项目支出绩效自评表.xlsx"
FORM_UNIT = "示例县青石镇农业综合服务中心"
# (sheet, code, name, [(row label, 年初, 全年, 执行, 分值, 执行率, 得分)], indicators, total score)
# Deliberate defects: sheet 1 states 执行率 95.6% where 193.00 ÷ 200.00 = 96.5% (rate-mismatch), and its
# 其中 rows add to 190.00 under a 年度资金总额 of 193.00 (sum-mismatch); sheet 2 scores 满意度 12 on a
# weight of 10 (score-exceeds-weight) and misses 培训人次 (420 < 500) with no 偏差原因
# (missing-deviation-reason, target-missed). The rest agrees: 其他资金 rows of zeros, a ≤ indicator
# met by a lower value, a target met exactly.
FORMS = [
    ("高标准农田建设", "36072100T000000101", "高标准农田建设补助", [
        ("年度资金总额", "180.00", "200.00", "193.00", "10", "95.6%", "9.56"),
        ("其中：当年财政拨款", "170.00", "190.00", "180.00", "—", "—", "—"),
        ("上年结转资金", "10.00", "10.00", "10.00", "—", "—", "—"),
        ("其他资金", "0", "0", "0", "—", "—", "—")], [
        ("产出指标", "数量指标", "新建高标准农田面积", "≥3000亩", "3000亩", "30", "30", ""),
        ("产出指标", "质量指标", "工程验收合格率", "100%", "100%", "20", "20", ""),
        ("效益指标", "生态效益指标", "化肥施用量减少率", "≥5%", "6.2%", "10", "10", ""),
        ("满意度指标", "服务对象满意度指标", "农户满意度", "≥90%", "94%", "30", "30", "")], "99.56"),
    ("农技推广培训", "36072100T000000117", "基层农技推广体系建设", [
        ("年度资金总额", "40.00", "40.00", "38.80", "10", "97%", "9.7"),
        ("其中：当年财政拨款", "40.00", "40.00", "38.80", "—", "—", "—"),
        ("上年结转资金", "0", "0", "0", "—", "—", "—")], [
        ("产出指标", "数量指标", "培训农民人次", "≥500人次", "420人次", "30", "25", ""),
        ("产出指标", "时效指标", "培训完成时间", "≤10月", "9月", "20", "20", ""),
        ("效益指标", "社会效益指标", "示范主体带动农户数", "≥200户", "236户", "30", "30", ""),
        ("满意度指标", "服务对象满意度指标", "参训农民满意度", "≥90%", "95%", "10", "12", "")], "96.7"),
]


def build_forms_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    for _, _, _, money, indicators, total in FORMS:
        (t, *parts) = money
        for col in (1, 2, 3):
            assert D(t[col]) >= 0 and all(D(p[col]) >= 0 for p in parts)
        assert sum(D(i[5]) for i in indicators) + D(t[4]) == 100
        assert sum(D(i[6]) for i in indicators) + D(t[6]) == D(total)  # the 总分 adds up
    wb = Workbook()
    wb.remove(wb.active)
    bold, center = Font(name="宋体", bold=True, size=12), Alignment(horizontal="center", vertical="center")
    for sheet, code, name, money, indicators, total in FORMS:
        ws = wb.create_sheet(sheet)
        for col, width in zip("ABCDEFGHI", (16, 14, 16, 22, 14, 14, 8, 8, 26), strict=True):
            ws.column_dimensions[col].width = width
        ws.append(["项目支出绩效自评表"])
        ws["A1"].font, ws["A1"].alignment = bold, center
        ws.merge_cells("A1:I1")
        ws.append(["（2024年度）"])
        ws.append(["项目名称", f"{code}-{name}"])
        ws.append(["主管部门", "示例县农业农村局", "", "实施单位", FORM_UNIT])
        ws.append(["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
        for row in money:
            ws.append(list(row))
        ws.append(["年度总体目标", "预期目标：完成年度建设和培训任务", "", "", "实际完成情况：见下表"])
        ws.append(["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                   "偏差原因分析及改进措施"])
        for first, second, third, target, actual, weight, score, reason in indicators:
            ws.append(["", first, second, third, target, actual, weight, score, reason])
        ws.append(["总分", "", "", "", "", "", "100", total, ""])
        ws.append(["项目负责人：周明远", "", "", "财务负责人：林晓", "", "填报日期：2025年3月12日"])
    wb.properties.creator = FORM_UNIT
    wb.properties.lastModifiedBy = FORM_UNIT
    wb.properties.title = "2024年度项目支出绩效自评表"
    wb.properties.created = FIXED_TIME_XLSX
    buf = io.BytesIO()
    wb.save(buf)
    return _stable_zip(buf.getvalue(), modified=FIXED_TIME_XLSX)


# ---------------------------------------------------------------------------------------------
# docx writer: a provincial 项目支出绩效自评表 (报表编号, 指标性质, 度量单位) as one Word table, money in 元
# ---------------------------------------------------------------------------------------------

FORM_DOCX_NAME = "示例市滨河区公共就业和人才服务中心_2024年度项目支出绩效自评表.docx"
FORM_DOCX_UNIT = "示例市滨河区公共就业和人才服务中心"
# (label, 年初预算数, 调整后预算数, 执行数, 分值, 执行率, 得分) in 元. Deliberate defects: the 执行率 row scores
# 9.8 where 10 × 92.50% = 9.25 (score-inconsistent); 培训人次 meets its target (812 ≥ 800) but scores 18 of 20
# with no reason (score-inconsistent); the 分值 column adds to 95, not the 总分 row's 100, while the 得分 add
# to the 总分 91.8 (sum-mismatch). The rest agrees: 92.50% = 1,248,750 ÷ 1,350,000 on 调整后预算数 (92.5%
# is not low), the 单位资金 row is all zeros, a 定性 row deducted 1 point with its reason.
FORM_DOCX_MONEY = [
    ("资金总额", "1,200,000.00", "1,350,000.00", "1,248,750.00", "10", "92.50%", "9.8"),
    ("财政资金", "1,200,000.00", "1,350,000.00", "1,248,750.00", "—", "—", "—"),
    ("单位资金", "0.00", "0.00", "0.00", "—", "—", "—"),
]
# (一级, 二级, 三级, 指标性质, 指标值, 度量单位, 实际完成值, 分值, 得分, 未完成原因)
FORM_DOCX_INDICATORS = [
    ("产出指标", "数量指标", "创业担保贷款贴息人数", "≥", "120", "人", "131", "20", "20", ""),
    ("产出指标", "数量指标", "职业技能培训人次", "≥", "800", "人次", "812", "20", "18", ""),
    ("产出指标", "时效指标", "补贴发放及时率", "≥", "95", "%", "97", "10", "10", ""),
    ("效益指标", "社会效益指标", "城镇新增就业人数", "≥", "1500", "人", "1620", "20", "20", ""),
    ("效益指标", "可持续影响指标", "就业服务长效机制", "定性", "健全", "", "基本健全", "10", "9",
     "部分街道服务站人员不足，明年补充"),
    ("满意度指标", "服务对象满意度指标", "补贴对象满意度", "≥", "90", "%", "95", "5", "5", ""),
]
FORM_DOCX_TOTAL = "91.8"


def build_forms_docx() -> bytes:
    import docx
    from docx.shared import Pt

    money = [tuple(D(c.replace(",", "")) for c in row[1:4]) for row in FORM_DOCX_MONEY]
    assert all(money[0][k] == money[1][k] + money[2][k] for k in range(3))
    assert pct(money[0][2], money[0][1]) == "92.50%"
    weights = D(FORM_DOCX_MONEY[0][4]) + sum(D(i[7]) for i in FORM_DOCX_INDICATORS)
    scores = D(FORM_DOCX_MONEY[0][6]) + sum(D(i[8]) for i in FORM_DOCX_INDICATORS)
    assert weights == 95 and scores == D(FORM_DOCX_TOTAL)
    doc = docx.Document()
    normal = doc.styles["Normal"]
    _set_font(normal.font, "仿宋_GB2312", 10.5)
    normal.paragraph_format.space_after = Pt(0)
    title = doc.add_paragraph()
    _set_font(title.add_run("项目支出绩效自评表").font, "方正小标宋简体", 18, bold=True)
    doc.add_paragraph("（2024年度）　　报表编号：BH-RS-2024-017")
    rows: list[list[str]] = [
        ["项目名称", "37010224T000000210-就业创业补贴资金"],
        ["主管部门", "示例市滨河区人力资源和社会保障局", "实施单位", FORM_DOCX_UNIT],
        ["项目资金（元）", "年初预算数", "调整后预算数", "执行数", "分值", "执行率", "得分"],
        *[list(r) for r in FORM_DOCX_MONEY],
        ["年度总体目标", "预期目标", "实际完成情况"],
        ["", "落实创业担保贷款贴息和职业技能培训补贴，全年城镇新增就业1500人以上",
         "贴息131人，培训812人次，城镇新增就业1620人"],
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "实际完成值", "分值", "得分",
         "未完成原因分析"],
        *[list(i) for i in FORM_DOCX_INDICATORS],
        ["总分", "", "", "", "", "", "", "100", FORM_DOCX_TOTAL, ""],
        ["评价结论", "项目资金使用规范，绩效目标基本完成。"],
        ["存在问题", "部分街道就业服务站人员不足，政策宣传覆盖面不够。"],
        ["改进措施", "补充基层服务人员，加强政策宣传。"],
        ["项目负责人", "孙海涛", "财务负责人", "钱丽", "填报日期", "2025年2月20日"],
    ]
    width = max(len(r) for r in rows)
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for i, r in enumerate(rows):
        for j, c in enumerate(r):
            table.cell(i, j).text = c
        if len(r) == 2:  # a label and one long value: the value spans the row
            table.cell(i, 1).merge(table.cell(i, width - 1))
    doc.core_properties.author = FORM_DOCX_UNIT
    doc.core_properties.title = "2024年度项目支出绩效自评表"
    doc.core_properties.created = FIXED_TIME
    doc.core_properties.modified = FIXED_TIME
    doc.core_properties.last_modified_by = FORM_DOCX_UNIT
    buf = io.BytesIO()
    doc.save(buf)
    return _stable_zip(buf.getvalue())


# ---------------------------------------------------------------------------------------------
# txt: two national forms of a 乡 government as a web page copies them (cells separated by " | ")
# ---------------------------------------------------------------------------------------------

FORM_TXT_NAME = "示例县青山乡人民政府_2023年度项目支出绩效自评表.txt"
# Deliberate defects: form 1 misses 改造农村户厕 (186 < 200) but gives it full points (score-inconsistent;
# target-missed; the reason is written, so no missing-deviation-reason); form 2's 总分 98.6 is not the sum
# of its scores 9.6 + 40 + 30 + 20 = 99.6 (sum-mismatch). The rest agrees: form 1's 其中 rows add
# (50.00 + 10.00 = 60.00) and its 100% is right; form 2 starts the year with no budget (年初 0.00, 全年 25.00,
# 96.00% on 全年预算数: no rate on a zero base), its 其他资金 row is all zeros.
FORM_TXT_FORMS = [
    ("农村人居环境整治", [
        ("年度资金总额", "60.00", "60.00", "60.00", "10", "100.00%", "10"),
        ("其中：当年财政拨款", "50.00", "50.00", "50.00", "—", "—", "—"),
        ("上年结转资金", "10.00", "10.00", "10.00", "—", "—", "—")], [
        ("产出指标", "数量指标", "改造农村户厕", "≥200户", "186户", "30", "30", "部分农户外出务工，改造推迟到明年"),
        ("产出指标", "时效指标", "垃圾清运及时率", "≥95%", "98%", "20", "20", ""),
        ("产出指标", "质量指标", "村庄保洁覆盖率", "100%", "100%", "20", "20", ""),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "92%", "20", "20", "")], "100"),
    ("乡村道路养护", [
        ("年度资金总额", "0.00", "25.00", "24.00", "10", "96.00%", "9.6"),
        ("其中：当年财政拨款", "0.00", "25.00", "24.00", "—", "—", "—"),
        ("其他资金", "0.00", "0.00", "0.00", "—", "—", "—")], [
        ("产出指标", "数量指标", "养护道路里程", "≥30公里", "32公里", "40", "40", ""),
        ("效益指标", "社会效益指标", "道路完好率", "≥85%", "88%", "30", "30", ""),
        ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", "91%", "20", "20", "")], "98.6"),
]


def build_forms_txt() -> bytes:
    lines = ["示例县青山乡人民政府2023年度项目支出绩效自评表", "发布时间：2024-03-08　来源：示例县青山乡人民政府", ""]
    for name, money, indicators, total in FORM_TXT_FORMS:
        weights = D(money[0][4]) + sum(D(i[5]) for i in indicators)
        assert weights == 100
        lines += [f"{name}项目支出绩效自评表", "（2023年度）", f"项目名称 | {name}",
                  "主管部门 | 示例县青山乡人民政府 | 实施单位 | 示例县青山乡人民政府",
                  "项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分",
                  *(" | ".join(r) for r in money),
                  "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施",
                  *(" | " + " | ".join(i) for i in indicators),
                  f"总分 | | | | | | 100 | {total} |", "项目负责人：李文斌　填报日期：2024年2月28日", ""]
    return "\n".join(lines).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# byte-stable zips
# ---------------------------------------------------------------------------------------------

def _stable_zip(data: bytes, modified: dt.datetime | None = None) -> bytes:
    """Rewrite a zip with fixed entry timestamps (and, for openpyxl, a fixed dcterms:modified)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if modified is not None and info.filename == "docProps/core.xml":
                stamp = modified.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                blob = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp + rb"\g<2>", blob)
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, blob)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# verification
# ---------------------------------------------------------------------------------------------

def verify_docx(path: Path) -> list[str]:
    """Check that headings are numbered by numbering.xml, not by their text. Returns problems."""
    import docx

    problems: list[str] = []
    doc = docx.Document(str(path))
    numbering = doc.part.numbering_part.element
    absn = [a for a in numbering.findall(f"{{{W_NS}}}abstractNum")
            if a.get(f"{{{W_NS}}}abstractNumId") == str(NUMBERING_ABSTRACT_ID)]
    if not absn:
        problems.append("abstractNum missing from numbering.xml")
    else:
        lvls = {lv.get(f"{{{W_NS}}}ilvl"): lv for lv in absn[0].findall(f"{{{W_NS}}}lvl")}
        for ilvl, text in (("0", "%1、"), ("1", "（%2）")):
            lv = lvls.get(ilvl)
            fmt = lv.find(f"{{{W_NS}}}numFmt").get(f"{{{W_NS}}}val") if lv is not None else None
            lt = lv.find(f"{{{W_NS}}}lvlText").get(f"{{{W_NS}}}val") if lv is not None else None
            if fmt != "chineseCounting" or lt != text:
                problems.append(f"lvl {ilvl}: numFmt={fmt} lvlText={lt}")
    heading_re = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")
    n_headings = 0
    for p in doc.paragraphs:
        numpr = p._p.pPr.numPr if p._p.pPr is not None else None
        if numpr is not None and numpr.numId is not None and numpr.numId.val == NUMBERING_NUM_ID:
            n_headings += 1
            if heading_re.match(p.text):
                problems.append(f"number written in heading text: {p.text!r}")
        elif heading_re.match(p.text):
            problems.append(f"un-numbered paragraph with a literal heading number: {p.text!r}")
    expected = sum(1 for k, _ in DOCX_BLOCKS if k in ("h1", "h2"))
    if n_headings != expected:
        problems.append(f"{n_headings} numbered headings, expected {expected}")
    if len(doc.tables) != 1:
        problems.append(f"{len(doc.tables)} tables, expected 1")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare freshly built bytes with the files on disk")
    ap.add_argument("--out", type=Path, default=SAMPLES, help="output directory (default: samples/)")
    args = ap.parse_args(argv)

    built = {DOCX_NAME: build_docx(), XLSX_NAME: build_xlsx(), FORMS_NAME: build_forms_xlsx(),
             FORM_DOCX_NAME: build_forms_docx(), FORM_TXT_NAME: build_forms_txt()}
    if args.check:
        stale = [n for n, b in built.items() if not (args.out / n).exists() or (args.out / n).read_bytes() != b]
        for n in stale:
            print(f"stale: {n}", file=sys.stderr)
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, blob in built.items():
        (args.out / name).write_bytes(blob)
        print(f"wrote {args.out / name} ({len(blob)} bytes)")
    problems = verify_docx(args.out / DOCX_NAME)
    for p in problems:
        print(f"docx problem: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
