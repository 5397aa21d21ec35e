"""The service layer directly (SQLite): users, upload checks, analysis states, crash recovery, values
and corrections, optimistic locking between two sessions, list queries that never read the heavy
columns."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from jixiao.store import service
from jixiao.store.analysis import check_upload, safe_filename
from jixiao.store.errors import ConflictError, InvalidInput, UploadRejected
from jixiao.store.models import Report, User
from jixiao.store.values import apply_corrections, parse_value
from web_support import DOCX_SAMPLE, TXT_SAMPLE, UNIT_A, make_world


@pytest.fixture
def w(sqlite_world):
    return sqlite_world


def _user(s, w, name) -> User:
    return s.get(User, w.users[name].id)


def test_users_create_authenticate_passwd(w):
    with w.db() as s:
        assert service.authenticate(s, "admin", "pass-word-123").username == "admin"
        assert service.authenticate(s, "admin", "wrong") is None
        assert service.authenticate(s, "nobody", "pass-word-123") is None
        with pytest.raises(InvalidInput, match="已存在"):
            service.create_user(s, username="admin", password="pass-word-123", role="admin")
        with pytest.raises(InvalidInput, match="密码至少 10 位"):
            service.create_user(s, username="x1", password="short", role="admin")
        with pytest.raises(InvalidInput, match="必须指定所属单位"):
            service.create_user(s, username="x2", password="pass-word-123", role="unit")
        with pytest.raises(InvalidInput, match="未知的角色"):
            service.create_user(s, username="x3", password="pass-word-123", role="boss")
        service.set_password(s, "unit_a", "new-pass-word")
        assert service.authenticate(s, "unit_a", "new-pass-word") is not None
        assert service.authenticate(s, "unit_a", "pass-word-123") is None
        assert _user(s, w, "admin").password_hash.startswith("$argon2id$")


def test_upload_checks():
    check_upload("a.txt", "正文".encode())
    for name, data, reason in [
        ("a.txt", b"", "文件为空"), ("a.exe", b"MZ", "不支持的文件类型"), ("a", b"x", "无扩展名"),
        ("a.pdf", b"hello", "不是 PDF"), ("a.docx", b"%PDF-1.4", "不是 Office 文档"),
        ("a.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧版"), ("a.txt", b"\x00\x01\x02", "不是文本"),
    ]:
        with pytest.raises(UploadRejected, match=reason):
            check_upload(name, data)
    assert safe_filename("../../etc/passwd") == "passwd" and safe_filename("C:\\x\\报告.docx") == "报告.docx"
    assert safe_filename("") == "未命名文件"


def test_crash_recovery_marks_queued_as_failed(w):
    with w.db() as s:
        queued = service.store_upload(s, _user(s, w, "unit_a"), TXT_SAMPLE.name, TXT_SAMPLE.read_bytes())
        assert queued.analysis == "queued"
        assert service.recover_interrupted(s) == 1
    with w.db() as s:
        r = s.get(Report, queued.id)
        assert r.analysis == "failed" and r.analysis_error == service.INTERRUPTED and r.original
        again = service.reanalyse(s, _user(s, w, "unit_a"), queued.id)
        assert again.analysis == "done" and again.analysis_error is None


def test_parse_value():
    assert parse_value("facts.budget", "1,234.50万元") == 1234.5
    assert parse_value("facts.staff_actual", "12") == 12
    assert parse_value("facts.unit_name", "  某局 ") == "某局"
    assert parse_value("facts.budget", "") is None
    with pytest.raises(InvalidInput, match="应为整数"):
        parse_value("facts.staff_actual", "1.5")
    with pytest.raises(InvalidInput, match="未知的字段"):
        parse_value("sections.x", "1")


class _C:
    def __init__(self, id, field, new_value):
        self.id, self.field, self.new_value = id, field, new_value


def test_apply_corrections_latest_wins_and_orphans_kept():
    extracted = {"facts": {"budget": 10}, "metrics": [{"label": "调解", "kpi": "m.x", "value": 5,
                                                      "evidence": [{"start": 7, "end": 9, "text": "5件"}]}],
                 "project_items": [{"name": "甲项目", "actual": 3}]}
    eff = apply_corrections(extracted, [_C(2, "facts.budget", 12), _C(1, "facts.budget", 11),
                                        _C(3, "metrics.m.x@7", 6), _C(4, "project_items.甲项目.actual", 4),
                                        _C(5, "metrics.m.x@99", 1)])
    assert eff.data["facts"]["budget"] == 12 and eff.data["metrics"][0]["value"] == 6
    assert eff.data["project_items"][0]["actual"] == 4
    assert [c.id for c in eff.orphans] == [5]
    assert extracted["facts"]["budget"] == 10  # the stored extraction is never modified


def test_two_sessions_editing_one_report_conflict(w):
    """Both read version v; the second write is refused (no lost update), even when the version check
    of the service passes in both sessions before either commits."""
    with w.db() as s1, w.db() as s2:
        v = s1.get(Report, w.report_a).version
        r2 = s2.get(Report, w.report_a)
        assert r2.version == v
        service.correct_value(s1, _user(s1, w, "reviewer"), w.report_a, field="facts.budget", value="1",
                              reason="甲", version=v)
        # s2 still holds the old row in its identity map: its check passes, the UPDATE … WHERE version fails
        with pytest.raises(ConflictError):
            service.change_status(s2, _user(s2, w, "reviewer"), w.report_a, to="in_review", version=v)
    with w.db() as s:
        r = s.get(Report, w.report_a)
        assert r.status == "pending" and len(r.corrections) == 1 and r.status_changes == []


def test_list_queries_never_read_heavy_columns(w):
    statements = []
    engine = w.app.state.engine

    def capture(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with w.db() as s:
            admin = _user(s, w, "admin")
            statements.clear()
            page = service.list_reports(s, admin, service.ReportQuery(severity="warning", sort="-errors"))
            service.dashboard(s, admin)
            listing = "\n".join(statements).lower()
            statements.clear()
            service.export_xlsx(s, admin)  # its findings and project sheets need those two columns
            export = "\n".join(statements).lower()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert page.total == 2
    for column in ("reports.original", "reports.text", "reports.extracted", "reports.findings", "reports.score"):
        assert column not in listing, column
    for column in ("reports.original", "reports.text", "reports.score"):
        assert column not in export, column


def test_reviewer_upload_assigns_unit_from_extraction(w):
    with w.db() as s:
        (res,) = service.upload_files(s, _user(s, w, "reviewer"), [(TXT_SAMPLE.name, TXT_SAMPLE.read_bytes())])
        r = s.get(Report, res.report_id)
        assert r.unit_name == UNIT_A and r.unit_id is not None and r.city == "示例市" and r.fiscal_year == 2024
        # the unit user of that unit sees it
        ids = [x.id for x in service.list_reports(s, _user(s, w, "unit_a")).items]
        assert res.report_id in ids


def test_correcting_identity_facts_updates_list_columns(w):
    with w.db() as s:
        admin = _user(s, w, "admin")
        v = s.get(Report, w.report_b).version
        service.correct_value(s, admin, w.report_b, field="facts.fiscal_year", value="2022", reason="封面年度有误",
                              version=v)
    with w.db() as s:
        assert s.get(Report, w.report_b).fiscal_year == 2022


def test_world_without_reports_is_empty(tmp_path):
    world = make_world(f"sqlite:///{tmp_path / 'e.db'}", reports=False)
    with world.db() as s:
        assert service.list_reports(s, s.get(User, world.users["admin"].id)).total == 0
        assert service.dashboard(s, s.get(User, world.users["admin"].id))["attention"] == []
    world.app.state.engine.dispose()


def test_failed_analysis_keeps_file_and_reason(w):
    with w.db() as s:
        (res,) = service.upload_files(s, _user(s, w, "unit_b"), [("坏.docx", b"PK\x03\x04broken")])
        r = s.get(Report, res.report_id)
        assert r.analysis == "failed" and "损坏" in r.analysis_error and r.original == b"PK\x03\x04broken"
        assert r.unit_name == "示例市样板县司法局"
        with pytest.raises(service.PermissionDenied, match="尚未分析成功"):
            service.correct_value(s, _user(s, w, "unit_b"), r.id, field="facts.budget", value="1", reason="x",
                                  version=r.version)
    assert DOCX_SAMPLE.exists()


def test_unit_user_cannot_move_its_report_or_reanalyse_under_review(w):
    with w.db() as s:
        unit_a = _user(s, w, "unit_a")
        r = s.get(Report, w.report_a)
        for field in ("facts.unit_name", "facts.city", "facts.county", "facts.province"):
            with pytest.raises(service.PermissionDenied, match="只能由审核人员更正"):
                service.correct_value(s, unit_a, w.report_a, field=field, value="别的单位", reason="x",
                                      version=r.version)
        service.reanalyse(s, unit_a, w.report_a)  # pending: allowed
        v = s.get(Report, w.report_a).version
        service.change_status(s, _user(s, w, "reviewer"), w.report_a, to="in_review", version=v)
        with pytest.raises(service.PermissionDenied, match="不能重新分析"):
            service.reanalyse(s, unit_a, w.report_a)
    with w.db() as s:
        assert s.get(Report, w.report_a).unit_name == UNIT_A


def test_a_self_evaluation_and_its_final_accounts_are_held_against_each_other(w):
    """Uploaded in either order, a unit-year's self-evaluation and its 部门决算 get cross-document-mismatch
    findings on both (each with its own evidence); a reviewer's correction of the figure removes them."""
    accounts = ("示例县档案馆2024年度部门决算\n第二部分 2024年度部门决算表\n收入支出决算总表\n"
                "编制单位：示例县档案馆\t单位：万元\n项目\t决算数\t项目\t决算数\n"
                "一、一般公共预算财政拨款收入\t380.20\t一、一般公共服务支出\t380.20\n"
                "本年收入合计\t380.20\t本年支出合计\t380.20\n总计\t380.20\t总计\t380.20\n"
                "第三部分 2024年度部门决算情况说明\n一、收入支出决算总体情况说明\n示例县档案馆2024年度收入支出总计380.20万元。\n")
    evaluation = ("示例县档案馆2024年度部门整体支出绩效自评报告\n一、部门概况\n示例县档案馆内设机构3个。\n"
                  "二、部门整体支出情况\n2024年度本年收入合计380.20万元，本年支出合计390.20万元。\n三、存在的问题\n"
                  "档案数字化进度偏慢。\n")
    with w.db() as s:
        reviewer = _user(s, w, "admin")
        (a,) = service.upload_files(s, reviewer, [("决算.txt", accounts.encode())])
        (b,) = service.upload_files(s, reviewer, [("自评.txt", evaluation.encode())])
        ra, rb = s.get(Report, a.report_id), s.get(Report, b.report_id)
        assert ra.unit_id == rb.unit_id and ra.fiscal_year == rb.fiscal_year == 2024
        mine = [f for f in rb.findings if f["rule"] == "cross-document-mismatch"]
        theirs = [f for f in ra.findings if f["rule"] == "cross-document-mismatch"]
        assert mine and "390.20" in mine[0]["message"] and mine[0]["values"]["other"]["source"] == "决算.txt"
        assert theirs and theirs[0]["values"]["other"]["source"] == "自评.txt"
        assert all(rb.text[e["start"]:e["end"]] == e["text"] for e in mine[0]["evidence"])
        service.correct_value(s, reviewer, rb.id, field="facts.expenditure_total", value="380.20",
                              reason="与决算核对", version=rb.version)
    with w.db() as s:
        assert not [f for f in s.get(Report, b.report_id).findings if f["rule"] == "cross-document-mismatch"]
        assert not [f for f in s.get(Report, a.report_id).findings if f["rule"] == "cross-document-mismatch"]
