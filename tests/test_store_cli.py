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
