"""Commands of the review workspace, added to the main ``jixiao`` command by ``register(app)``:

* ``jixiao serve [--db URL] [--host 127.0.0.1] [--port 8000] [--workers 2]`` — migrate, queue again the
  analyses a crash interrupted, serve the web application with ``--workers`` analysis workers in the
  same process (0: none; default database: ``./jixiao-data/jixiao.db``);
* ``jixiao worker [--db URL] [--workers 2]`` — more analysis workers, in their own process;
* ``jixiao demo [--no-serve]`` — a fresh SQLite database in a temporary folder, the bundled samples
  loaded, an admin, a reviewer and a unit account with random passwords printed, a demo task; then serve;
* ``jixiao user add USERNAME --role admin|reviewer|unit [--unit NAME] [--region NAME] [--db URL]`` and
  ``jixiao user passwd USERNAME`` — the password is prompted (or ``--password`` for scripts);
  ``jixiao user disable|enable USERNAME``;
* ``jixiao token list USERNAME``, ``jixiao token create USERNAME [--name N] [--days D]``,
  ``jixiao token revoke USERNAME TOKEN_ID`` — API tokens (the token is printed once).
"""

from __future__ import annotations

import secrets
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from jixiao.cli_common import EXIT_BAD_INPUT, fail, use_data_option
from jixiao.console import console, utf8_streams
from jixiao.store.clock import today

user_app = typer.Typer(add_completion=False, no_args_is_help=True, help="账号管理：添加用户、修改密码、停用/启用。")
token_app = typer.Typer(add_completion=False, no_args_is_help=True, help="API 令牌：列出、创建、撤销。")

DbOption = Annotated[str | None, typer.Option("--db", help="数据库 URL（默认 ./jixiao-data/jixiao.db；"
                                                            "PostgreSQL：postgresql://用户@主机/库名）")]
HostOption = Annotated[str, typer.Option("--host", help="监听地址")]
PortOption = Annotated[int, typer.Option("--port", help="端口")]
WorkersOption = Annotated[int, typer.Option("--workers", min=0, max=64,
                                            help="分析进程数（每个分析在带资源限制的子进程中运行）")]
DataOption = Annotated[Path | None, typer.Option("--data", help="用户数据目录（同 jixiao extract --data；"
                                                                "也可用环境变量 JIXIAO_DATA）")]
SAMPLE_SUFFIXES = (".txt", ".docx", ".xlsx", ".pdf")


def _store():
    """The store's modules (database and services), imported when a command needs them."""
    from jixiao.store import db, service  # optional: the store loads only for the web commands (CLI start-up)

    return db, service


def _create_app(*args, **kwargs):
    """The web application; the web stack is imported here, not at start-up."""
    from jixiao.web.app import create_app  # optional: only serve/demo load the web stack (CLI start-up)

    return create_app(*args, **kwargs)


def _serve(web_app, host: str, port: int) -> None:
    import uvicorn  # optional: only serve/demo load the server

    uvicorn.run(web_app, host=host, port=port, log_level="info", proxy_headers=True, timeout_graceful_shutdown=5)


def serve_cmd(
    db: DbOption = None,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    secure_cookies: Annotated[bool, typer.Option("--secure-cookies", help="会话 Cookie 仅经 HTTPS 发送"
                                                                          "（在 HTTPS 反向代理之后使用）")] = False,
    data: DataOption = None,
    workers: WorkersOption = 2,
) -> None:
    """启动审核工作台（网页和 /api）：先迁移数据库，把上次未分析完的报告重新排队，并在本进程中运行
    --workers 个分析进程（0 为不分析，由 jixiao worker 分析）。"""
    utf8_streams()
    use_data_option(data)
    from sqlalchemy.exc import SQLAlchemyError  # optional: the database layer loads only to serve

    try:
        web_app = _create_app(db, https_only=secure_cookies, workers=workers)
    except SQLAlchemyError as err:
        fail(f"无法打开数据库：{err.__class__.__name__}: {str(err).splitlines()[0]}")
    console(stderr=True).print(f"jixiao 审核工作台：http://{host}:{port}/  （API 文档：/api/docs；"
                               f"分析进程 {workers} 个）")
    _serve(web_app, host, port)


def worker_cmd(db: DbOption = None, workers: WorkersOption = 2, data: DataOption = None) -> None:
    """运行分析进程：从队列中取出已上传的报告逐个分析（与 jixiao serve 共用同一数据库），Ctrl+C 停止。"""
    utf8_streams()
    use_data_option(data)
    store_db, _ = _store()
    from jixiao.store.jobs import JobQueue  # optional: the queue loads only for the worker

    store_db.upgrade(db)
    console(stderr=True).print(f"jixiao 分析进程：{max(1, workers)} 个（Ctrl+C 停止）")
    JobQueue(store_db.normalise_url(db)).run(max(1, workers))


def _samples_dir(given: Path | None) -> Path | None:
    candidates = [given] if given else [Path(__file__).resolve().parents[2] / "samples", Path.cwd() / "samples"]
    return next((p for p in candidates if p and p.is_dir()), None)


def demo_cmd(
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    samples: Annotated[Path | None, typer.Option("--samples", help="示例报告目录（默认：随附的 samples/）")] = None,
    folder: Annotated[Path | None, typer.Option("--dir", help="演示数据目录（默认：新建临时目录）")] = None,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="只准备数据并打印账号，不启动服务")] = False,
    data: DataOption = None,
) -> None:
    """演示：新建临时数据库，载入示例报告，创建管理员、审核人员和单位填报人账号及一个任务，然后启动服务。"""
    store_db, service = _store()
    utf8_streams()
    use_data_option(data)
    src = _samples_dir(samples)
    if src is None:
        fail("找不到示例报告目录（samples/），请用 --samples 指定")
    files = sorted(p for p in src.iterdir() if p.suffix.lower() in SAMPLE_SUFFIXES)
    if not files:
        fail(f"{src} 中没有示例报告（.txt/.docx/.xlsx/.pdf）")
    folder = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="jixiao-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    url = store_db.default_url(folder)
    if (folder / "jixiao.db").exists():
        fail(f"{folder} 中已有数据库，请换一个目录")
    web_app = _create_app(url, workers=2)
    passwords = {name: secrets.token_urlsafe(9) for name in ("admin", "reviewer", "unit")}
    with web_app.state.session_factory() as s:
        admin = service.create_user(s, username="admin", password=passwords["admin"], role="admin",
                                    display_name="系统管理员")
        reviewer = service.create_user(s, username="reviewer", password=passwords["reviewer"], role="reviewer",
                                       display_name="财政局审核员")
        unit_user = service.create_user(s, username="unit", password=passwords["unit"], role="unit",
                                        unit="示例市示范区司法局", display_name="示范区司法局填报人")
        service.open_task(s, reviewer, year=2024, title="2024年度部门整体支出绩效自评",
                          deadline=today() + timedelta(days=30),
                          units=["示例市示范区司法局", "示例市样板县司法局"], note="演示任务")
        results = []
        for path in files:
            uploader = unit_user if "示范区" in path.name else admin
            results += service.upload_files(s, uploader, [(path.name, path.read_bytes())])
    out = console()
    out.print(f"演示数据目录：{escape(str(folder))}")
    out.print(f"数据库：{escape(url)}")
    for r in results:
        state = "已分析" if r.analysis == "done" else f"失败：{r.error}"
        out.print(f"  载入 {escape(r.filename)}：{escape(state)}（错误 {r.error_count}，警告 {r.warning_count}）")
    out.print("账号（密码随机生成，仅显示这一次）：")
    out.print(f"  管理员     admin     {passwords['admin']}")
    out.print(f"  审核人员   reviewer  {passwords['reviewer']}")
    out.print(f"  单位填报人 unit      {passwords['unit']}（示例市示范区司法局）")
    out.print(f"打开 http://{host}:{port}/ 登录")
    sys.stdout.flush()
    if not no_serve:
        _serve(web_app, host, port)


def _session(db: str | None):
    store_db, service = _store()
    store_db.upgrade(db)
    return store_db.session_factory(store_db.make_engine(db))()


@contextmanager
def _service_session(db: str | None):
    """The store's service and a session on ``db`` (migrated first); a ServiceError in the block ends the
    command with its Chinese message."""
    _, service = _store()
    utf8_streams()
    with _session(db) as s:
        try:
            yield service, s
        except service.ServiceError as err:
            fail(err.message)


def _password(given: str | None) -> str:
    if given:
        return given
    return typer.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")


@user_app.command("add")
def user_add_cmd(
    username: Annotated[str, typer.Argument(help="用户名")],
    role: Annotated[str, typer.Option("--role", help="admin（管理员）| reviewer（审核人员）| unit（单位填报人）")],
    unit: Annotated[str | None, typer.Option("--unit", help="所属单位名称（单位填报人必填）")] = None,
    region: Annotated[str | None, typer.Option("--region", help="审核人员负责的省/市/区县（空为全部）")] = None,
    display_name: Annotated[str, typer.Option("--name", help="显示名称")] = "",
    password: Annotated[str | None, typer.Option("--password", help="密码（不给则提示输入）")] = None,
    db: DbOption = None,
) -> None:
    """添加用户（密码以 argon2 散列保存）。"""
    with _service_session(db) as (service, s):
        user = service.create_user(s, username=username, password=_password(password), role=role, unit=unit,
                                   region=region, display_name=display_name)
        console().print(f"已添加用户 {escape(user.username)}（{service.ROLES[user.role]}）")


@user_app.command("passwd")
def user_passwd_cmd(
    username: Annotated[str, typer.Argument(help="用户名")],
    password: Annotated[str | None, typer.Option("--password", help="新密码（不给则提示输入）")] = None,
    db: DbOption = None,
) -> None:
    """修改用户密码（该用户其他已登录的会话随之失效）。"""
    with _service_session(db) as (service, s):
        service.set_password(s, username, _password(password))
        console().print(f"已修改 {escape(username)} 的密码")


def _set_active(username: str, active: bool, db: str | None) -> None:
    with _service_session(db) as (service, s):
        service.set_user_active(s, username, active)
        console().print(f"已{'启用' if active else '停用'}用户 {escape(username)}"
                        + ("" if active else "（其会话和 API 令牌已失效）"))


@user_app.command("disable")
def user_disable_cmd(username: Annotated[str, typer.Argument(help="用户名")], db: DbOption = None) -> None:
    """停用用户：不能再登录，已登录的会话和 API 令牌立即失效。"""
    _set_active(username, False, db)


@user_app.command("enable")
def user_enable_cmd(username: Annotated[str, typer.Argument(help="用户名")], db: DbOption = None) -> None:
    """启用用户。"""
    _set_active(username, True, db)


@token_app.command("list")
def token_list_cmd(username: Annotated[str, typer.Argument(help="用户名")], db: DbOption = None) -> None:
    """列出用户的 API 令牌（编号、名称、创建/最近使用/过期时间、状态；不显示令牌本身）。"""
    out = console()
    with _service_session(db) as (service, s):
        tokens = service.list_api_tokens(s, service.find_user(s, username))
        if not tokens:
            out.print(f"{escape(username)} 没有 API 令牌")
        for t in tokens:
            out.print(f"{t.id}\t{escape(t.name or '（未命名）')}\t创建 {t.created_at}\t最近使用 {t.last_used_at or '—'}"
                      f"\t过期 {t.expires_at or '不过期'}\t{t.state_label}")


@token_app.command("create")
def token_create_cmd(
    username: Annotated[str, typer.Argument(help="用户名")],
    name: Annotated[str, typer.Option("--name", help="令牌名称（用途）")] = "",
    days: Annotated[int | None, typer.Option("--days", help="有效天数（默认 90，或环境变量 JIXIAO_TOKEN_DAYS）")] = None,
    db: DbOption = None,
) -> None:
    """为用户创建 API 令牌（只显示这一次）。"""
    with _service_session(db) as (service, s):
        token = service.create_api_token(s, service.find_user(s, username), name, days)
        console(stderr=True).print("新令牌（只显示这一次，请妥善保存）：")
        print(token)


@token_app.command("revoke")
def token_revoke_cmd(
    username: Annotated[str, typer.Argument(help="用户名")],
    token_id: Annotated[int, typer.Argument(help="令牌编号（见 jixiao token list）")],
    db: DbOption = None,
) -> None:
    """撤销用户的一个 API 令牌。"""
    with _service_session(db) as (service, s):
        service.revoke_api_token(s, service.find_user(s, username), token_id)
        console().print(f"已撤销 {escape(username)} 的令牌 {token_id}")


def _importer(s, service, username: str | None):
    """The account an import is stored under: the one named, else the first active administrator."""
    if username:
        user = service.find_user(s, username)
    else:
        user = service.first_admin(s)
        if user is None:
            fail("数据库中没有可用的管理员账号，请先 jixiao user add 用户名 --role admin，或用 --user 指定")
    if user.role not in ("admin", "reviewer") or not user.active:
        fail(f"用户 {user.username} 不是可用的管理员或审核人员，不能导入")
    return user


def import_cmd(
    inputs: Annotated[list[str], typer.Argument(help="报告文件、目录（递归）、通配符或 .zip 压缩包，可多个")],
    task: Annotated[int | None, typer.Option("--task", help="归入的任务编号（不给则按报告单位和年度归入）")] = None,
    user: Annotated[str | None, typer.Option("--user", help="以此账号导入（默认：第一个管理员）")] = None,
    db: DbOption = None,
    workers: WorkersOption = 2,
    wait: Annotated[bool, typer.Option("--wait/--no-wait", help="等待分析完成（--no-wait：只保存并排队，"
                                                             "由 jixiao serve / jixiao worker 分析）")] = True,
    data: DataOption = None,
) -> None:
    """把一批报告载入审核工作台：与网页上传相同——先保存原文件，再排队由分析进程分析，按内容核对归属单位和任务，
    内容相同的文件标为重复上传。无法保存或分析失败的文件给出原因，退出码 2。"""
    utf8_streams()
    use_data_option(data)
    store_db, service = _store()
    from jixiao.batch.sources import (  # optional: only import reads folders and archives (CLI start-up)
        SourceError,
        expand,
    )
    from jixiao.store.jobs import JobQueue  # optional: the queue loads only to import or work

    url = store_db.normalise_url(db)
    out = console(stderr=True)
    expansion = expand(inputs)
    refused = list(expansion.errors)
    ids: list[int] = []
    queue = JobQueue(url)
    with _session(db) as s:
        try:
            actor = _importer(s, service, user)
            if task is not None:
                service.task_for_upload(s, actor, task)
        except service.ServiceError as err:
            fail(err.message)
        limit = service.max_upload_bytes()
        for src in expansion.sources:
            try:
                results = service.upload_files(s, actor, [(src.name, src.read(limit))], task_id=task,
                                               enqueue=queue.enqueue)
            except (service.ServiceError, SourceError) as err:
                s.rollback()
                refused.append((src.name, getattr(err, "message", None) or err.reason))
                continue
            for r in results:
                if r.stored:
                    ids.append(r.report_id)
                else:
                    refused.append((src.name, r.error))
    out.print(f"已保存 {len(ids)} 个文件并排队分析" + (f"；{len(refused)} 个无法保存" if refused else ""))
    for name, reason in refused:
        out.print(f"[bold red]错误[/]：{escape(name)}：{escape(reason or '')}")
    failed = 0
    if wait and ids:
        queue.start(max(1, workers))
        try:
            with _session(db) as s, Progress(TextColumn("[bold]分析"), BarColumn(), MofNCompleteColumn(),
                                             TimeElapsedColumn(), console=out) as bar:
                shown = bar.add_task("import", total=len(ids))
                while True:
                    counts = service.analysis_counts(s, ids)
                    pending = counts.get("queued", 0) + counts.get("running", 0)
                    bar.update(shown, completed=len(ids) - pending)
                    if not pending:
                        break
                    time.sleep(0.5)
        finally:
            queue.stop()
        failed = counts.get("failed", 0)
        out.print(f"分析完成：{counts.get('done', 0)} 份" + (f"，失败 {failed} 份（原因见报告列表）" if failed else ""))
    elif ids:
        queue.huey.storage.close()
        out.print("未等待分析：由 jixiao serve 或 jixiao worker 的分析进程继续分析")
    raise typer.Exit(EXIT_BAD_INPUT if refused or failed else 0)


def register(app: typer.Typer) -> None:
    """Add ``serve``, ``worker``, ``demo``, ``user add/passwd/disable/enable`` and ``token list/create/revoke``
    to the ``jixiao`` command."""
    app.command("serve")(serve_cmd)
    app.command("worker")(worker_cmd)
    app.command("demo")(demo_cmd)
    app.command("import")(import_cmd)
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
