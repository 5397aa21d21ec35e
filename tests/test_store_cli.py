"""The workspace commands: ``jixiao demo --no-serve`` and ``jixiao user add/passwd`` (``serve`` itself is
exercised by tests/test_data_safety.py)."""

from __future__ import annotations

from typer.testing import CliRunner

from conftest import SAMPLES
from jixiao.cli import app
from jixiao.store import db as store_db
from jixiao.store import service
from jixiao.store.models import Report, Task, User

runner = CliRunner()


def _session(url):
    engine = store_db.make_engine(url)
    return engine, store_db.session_factory(engine)()


def test_demo_prepares_database_and_prints_accounts(tmp_path):
    folder = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--no-serve", "--dir", str(folder)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "管理员" in out and "admin" in out and "审核人员" in out and "单位填报人" in out
    password = next(line.split()[2] for line in out.splitlines() if line.strip().startswith("管理员"))
    engine, s = _session(store_db.default_url(folder))
    try:
        assert service.authenticate(s, "admin", password) is not None
        assert {u.role for u in s.query(User)} == {"admin", "reviewer", "unit"}
        reports = s.query(Report).all()
        samples = [p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".docx", ".xlsx", ".pdf")]
        assert len(reports) == len(samples) >= 4 and all(r.analysis == "done" for r in reports)
        (task,) = s.query(Task).all()
        assert task.year == 2024 and len(task.units) == 2
        unit = s.query(User).filter_by(role="unit").one()
        assert service.list_reports(s, unit).total == 3  # the unit's own files: report, 自评表, 决算
    finally:
        s.close()
        engine.dispose()
    again = runner.invoke(app, ["demo", "--no-serve", "--dir", str(folder)])
    assert again.exit_code == 2 and "已有数据库" in again.output


def test_user_add_and_passwd(tmp_path):
    url = f"sqlite:///{tmp_path / 'u.db'}"
    r = runner.invoke(app, ["user", "add", "li", "--role", "reviewer", "--region", "长沙是", "--password",
                            "pass-word-123", "--db", url])
    assert r.exit_code == 2 and "未知的地区" in r.output and "长沙市" in r.output  # a typo, near matches named
    r = runner.invoke(app, ["user", "add", "li", "--role", "reviewer", "--region", "长沙市", "--password",
                            "12345678", "--db", url])
    assert r.exit_code == 2 and "密码至少 10 位" in r.output
    r = runner.invoke(app, ["user", "add", "li", "--role", "reviewer", "--region", "长沙市", "--password",
                            "pass-word-123", "--db", url])
    assert r.exit_code == 0 and "已添加用户 li（审核人员）" in r.output
    r = runner.invoke(app, ["user", "add", "wang", "--role", "unit", "--unit", "某县司法局", "--db", url],
                      input="pass-word-456\npass-word-456\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["user", "add", "zhao", "--role", "unit", "--password", "pass-word-123", "--db", url])
    assert r.exit_code == 2 and "必须指定所属单位" in r.output
    r = runner.invoke(app, ["user", "add", "li", "--role", "admin", "--password", "pass-word-123", "--db", url])
    assert r.exit_code == 2 and "已存在" in r.output
    r = runner.invoke(app, ["user", "passwd", "wang", "--password", "new-pass-789", "--db", url])
    assert r.exit_code == 0
    r = runner.invoke(app, ["user", "passwd", "nobody", "--password", "new-pass-789", "--db", url])
    assert r.exit_code == 2 and "不存在" in r.output
    engine, s = _session(url)
    try:
        assert service.authenticate(s, "wang", "new-pass-789").unit.name == "某县司法局"
        assert service.authenticate(s, "li", "pass-word-123").region == "长沙市"
    finally:
        s.close()
        engine.dispose()


def test_import_a_folder_and_a_zip_into_the_workspace(tmp_path):
    import zipfile

    url = f"sqlite:///{tmp_path / 'w.db'}"
    r = runner.invoke(app, ["import", str(SAMPLES), "--db", url])
    assert r.exit_code == 2 and "没有可用的管理员账号" in r.output
    assert runner.invoke(app, ["user", "add", "boss", "--role", "admin", "--password", "pass-word-123",
                               "--db", url]).exit_code == 0
    txt = next(SAMPLES.glob("*整体支出绩效自评报告.txt"))
    docx = next(SAMPLES.glob("*.docx"))
    archive = tmp_path / "报送.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("县/报告.txt", txt.read_bytes() + "\n附：压缩包中的副本。\n".encode())
        zf.writestr("县/坏.pdf", b"%PDF-1.4 broken")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / txt.name).write_bytes(txt.read_bytes())
    (tmp_path / "in" / docx.name).write_bytes(docx.read_bytes())
    r = runner.invoke(app, ["import", str(tmp_path / "in"), str(archive), str(tmp_path / "nothing"), "--db", url,
                            "--workers", "1"])
    assert r.exit_code == 2, r.output  # the missing input and the broken PDF
    assert "已保存 4 个文件并排队分析" in r.output and "文件或目录不存在" in r.output
    assert "分析完成：3 份，失败 1 份" in r.output
    engine, s = _session(url)
    try:
        reports = {x.filename: x for x in s.query(Report)}
        assert set(reports) == {txt.name, docx.name, "报告.txt", "坏.pdf"}
        assert reports[txt.name].analysis == "done" and reports[txt.name].unit_name == "示例市示范区司法局"
        assert reports["坏.pdf"].analysis == "failed"
    finally:
        s.close()
        engine.dispose()
    again = runner.invoke(app, ["import", str(tmp_path / "in"), "--db", url, "--no-wait"])
    assert again.exit_code == 0 and "已保存 2 个文件" in again.output and "未等待分析" in again.output
    engine, s = _session(url)
    try:
        dup = s.query(Report).filter(Report.filename == txt.name).order_by(Report.id.desc()).first()
        assert dup.duplicate_of == reports[txt.name].id and dup.analysis == "queued"
    finally:
        s.close()
        engine.dispose()
