"""The commands behind `tongban <command>`: each sets Django up when it needs it and calls one
management command or one app's public functions."""

import argparse
import os
import sys
from pathlib import Path

from .output import demo_accounts_table, describe, serve_banner

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class CommandFailed(Exception):
    """The command could not do its work; the message (Chinese) says why and what to do."""


def setup_django() -> None:
    """Set Django up once; again would reconfigure logging (harmless for the command line, but in a
    test it would bind the log handlers to that test's captured output)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def require_migrated() -> None:
    """Refuse to touch a database whose tables are missing or old, saying what to run."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CommandFailed(
            "数据库尚未建立或不是最新结构，请先运行 tongban manage migrate（或 tongban serve）。"
        )


def database_label() -> str:
    from django.db import connection

    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite {config['NAME']}"
    return f"PostgreSQL {config.get('HOST') or 'localhost'}/{config['NAME']}"


def serve(args: argparse.Namespace) -> int:
    from tongban import server

    if problem := server.port_problem(args.host, args.port):
        raise CommandFailed(problem)
    setup_django()
    from django.core.management import call_command

    print("正在准备数据库和静态文件……", flush=True)
    migrate()
    call_command("collectstatic", interactive=False, verbosity=0)
    accounts = False if args.no_demo else load_demo_if_empty()
    database = database_label()

    def ready(worker: server.WorkerProcess) -> None:
        banner = serve_banner(
            host=args.host, port=args.port, database=database, worker_pid=worker.pid, accounts=accounts
        )
        print(banner, flush=True)

    return server.serve(host=args.host, port=args.port, workers=args.workers, ready=ready)


def load_demo_if_empty() -> bool:
    """Load the demo data into a database without any organization (a fresh one); True when the demo
    data is there, so that its accounts are worth printing."""
    from tongban.demo import demo_is_loaded, demo_load
    from tongban.regions.selectors import organizations

    if not organizations().exists():
        print("数据库为空，正在加载演示数据……", flush=True)
        print(demo_load(), flush=True)
    return demo_is_loaded()


def worker(args: argparse.Namespace) -> int:
    from tongban.server import exit_with_parent

    exit_with_parent()
    setup_django()
    from django.core.management import call_command

    require_migrated()
    if not args.batch:  # a long-running worker also enqueues the periodic sweep (cases/schedule.py)
        from tongban.cases.schedule import SweepScheduler

        SweepScheduler().start()
    call_command("db_worker", interval=args.interval, batch=args.batch, reload=False)
    return EXIT_OK


def demo(args: argparse.Namespace) -> int:
    setup_django()
    migrate()
    from tongban.demo import demo_is_loaded, demo_load

    if demo_is_loaded() and not args.reset:
        print("演示数据已经加载过了；如需清空后重新加载，请运行 tongban demo --reset。")
    else:
        print("正在加载演示数据……", flush=True)
        print(describe(demo_load(reset=args.reset)))
    print("\n演示账号：")
    print(demo_accounts_table())
    return EXIT_OK


def check(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import call_command

    call_command("check", deploy=args.deploy)
    return EXIT_OK


def catalog_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise CommandFailed(f"找不到文件：{path}")
    setup_django()
    require_migrated()
    from tongban.catalog.excel import ImportFailed
    from tongban.catalog.excel import catalog_import as import_file

    try:
        summary = import_file(path, dry_run=args.dry_run)
    except ImportFailed as exc:
        print(f"导入失败，目录未作任何修改。\n{exc}", file=sys.stderr)
        return EXIT_FAILED
    print(describe(summary))  # the summary says itself whether it was a dry run
    return EXIT_OK


def catalog_export(args: argparse.Namespace) -> int:
    setup_django()
    require_migrated()
    from tongban.catalog.excel import catalog_export as export_file

    path = Path(args.file)
    export_file(path, organization=args.organization, city=args.city)
    print(f"已导出到 {path}")
    return EXIT_OK


def openapi(args: argparse.Namespace) -> int:
    setup_django()
    from tongban.openapi import DOCUMENT_PATH, openapi_check, openapi_document, openapi_write

    if args.write:
        print(f"已写入 {openapi_write(DOCUMENT_PATH)}")
        return EXIT_OK
    if not args.check:
        sys.stdout.write(openapi_document())
        return EXIT_OK
    problems = openapi_check(DOCUMENT_PATH)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"{DOCUMENT_PATH} 与接口一致。")
    return EXIT_FAILED if problems else EXIT_OK


def audit_verify(args: argparse.Namespace) -> int:
    setup_django()
    require_migrated()
    from django.utils import timezone

    from tongban.core.audit import audit_verify as verify
    from tongban.core.models import AuditEntry

    report = verify()
    print(f"已核对 {report.entries} 条审计记录。")
    if report.ok:
        print("审计日志完整。")
        return EXIT_OK
    if report.broken_seq is not None:
        entry = AuditEntry.objects.get(seq=report.broken_seq)
        print(
            f"审计日志在第 {entry.seq} 条处断开：\n"
            f"  时间：{timezone.localtime(entry.at):%Y-%m-%d %H:%M:%S}\n"
            f"  操作：{entry.action}\n"
            f"  原因：{report.reason}",
            file=sys.stderr,
        )
    for problem in report.problems:
        print(f"审计日志不完整：{problem}", file=sys.stderr)
    return EXIT_FAILED


def keys_rotate(args: argparse.Namespace) -> int:
    setup_django()
    require_migrated()
    import getpass

    from tongban.core.audit import AuditContext
    from tongban.core.choices import Channel
    from tongban.core.keys import UndecryptableValue
    from tongban.core.keys import keys_rotate as rotate

    context = AuditContext(actor_label=f"命令行（{getpass.getuser()}）", channel=Channel.CLI)
    print("正在用最新的数据密钥重新加密个人信息……", flush=True)
    try:
        summary = rotate(batch_size=args.batch_size, blind_index=args.blind_index, context=context)
    except UndecryptableValue as exc:
        raise CommandFailed(
            f"{exc.where}无法用 TONGBAN_DATA_KEYS 中的任何密钥解密：缺少旧密钥，或数据被篡改。"
            "已完成的批次保持不变；把旧密钥补回 TONGBAN_DATA_KEYS 后重新运行即可继续。"
        ) from None
    print(summary)
    print("完成。确认无误后即可从 TONGBAN_DATA_KEYS 中删去旧密钥。")
    return EXIT_OK


def staff_create_admin(args: argparse.Namespace) -> int:
    setup_django()
    require_migrated()
    import getpass

    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from tongban.core.choices import Channel
    from tongban.core.errors import DomainError
    from tongban.identity.access import Actor
    from tongban.identity.choices import Role
    from tongban.identity.services.accounts import password_change
    from tongban.identity.services.staff import staff_account_create
    from tongban.regions.models import Organization

    organization = Organization.objects.filter(uscc=args.organization.strip().upper()).first()
    if organization is None:
        raise CommandFailed(f"未找到统一社会信用代码为 {args.organization} 的单位。")
    by = Actor.system(channel=Channel.CLI, label=f"命令行（{getpass.getuser()}）")
    try:
        user = staff_account_create(
            username=args.username,
            display_name=args.name,
            email=args.email,
            organization=organization,
            roles=[Role.PLATFORM_ADMIN],
            by=by,
        )
    except DomainError as exc:
        raise CommandFailed("；".join(e.message for e in exc.errors) or exc.message) from None
    print(f"已创建平台管理员 {user.username}（{organization.name}）。")
    if not sys.stdin.isatty():
        print("未设置密码：请在登录页使用“忘记密码”，或通过统一身份认证登录。")
        return EXIT_OK
    while True:
        password = getpass.getpass("设置密码：")
        if password != getpass.getpass("再次输入密码："):
            print("两次输入的密码不一致，请重新输入。", file=sys.stderr)
            continue
        try:
            validate_password(password, user)
        except ValidationError as exc:
            print("；".join(exc.messages), file=sys.stderr)
            continue
        password_change(user=user, password=password, by=by)
        print("密码已设置。")
        return EXIT_OK


def calendar_status(args: argparse.Namespace) -> int:
    setup_django()
    require_migrated()
    from tongban.core.calendar.selectors import calendar_years

    years = list(calendar_years())
    for year in years:
        status = "已完整录入" if year.complete else "录入中（按周末计算）"
        print(
            f"{year.year}年  {status}  法定节假日 {year.holiday_count} 天  调休上班 {year.workday_count} 天  "
            f"{year.get_source_display()}"
        )
    known = [year.year for year in years if year.complete]
    after = max(known, default=None)
    print(
        f"{after + 1} 年起尚未录入：期限按周末计算，并标为暂定。"
        if after
        else "工作日历为空：期限按周末计算。"
    )
    return EXIT_OK


def calendar_import(args: argparse.Namespace) -> int:
    setup_django()
    require_migrated()
    import getpass

    from tongban.core.audit import AuditContext
    from tongban.core.calendar.services import calendar_import_package, package_calendar
    from tongban.core.choices import Channel
    from tongban.core.models import CalendarYear

    version, package = package_calendar()
    if not version:
        raise CommandFailed("未安装 chinese-calendar 软件包。")
    context = AuditContext(actor_label=f"命令行（{getpass.getuser()}）", channel=Channel.CLI)
    added = calendar_import_package(context=context)
    for year in added:
        kinds = [day.kind for day in package[year.year]]
        holidays, workdays = kinds.count("holiday"), kinds.count("workday")
        print(f"已导入 {year.year} 年（法定节假日 {holidays} 天，调休上班 {workdays} 天）。")
    pending = CalendarYear.objects.filter(year__in=list(package), complete=False).values_list(
        "year", flat=True
    )
    for year in pending:
        print(f"{year} 年正由管理员录入，未改动：请在管理后台核对后勾选“已完整录入”。")
    if not added and not pending:
        covered = f"覆盖 {min(package)}–{max(package)} 年，均已在工作日历中" if package else "不含任何年份"
        print(f"没有新的年份：chinese-calendar {version} {covered}。")
    return EXIT_OK


def _json_file(path: str, what: str):
    import json
    from pathlib import Path

    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CommandFailed(f"找不到{what}：{path}") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CommandFailed(f"{what}不是有效的 JSON 文件：{path}（{exc}）") from None


def license_verify(args: argparse.Namespace) -> int:
    """Offline: no database, no network; only the file and the published keys."""
    setup_django()
    from tongban.licenses.verification import Verdict, verify_offline

    document = _json_file(args.file, "证照文件")
    keys = _json_file(args.keys, "公钥文件")
    result = verify_offline(document, keys)
    if result.verdict == Verdict.MALFORMED:
        raise CommandFailed(f"{result.message}：{args.file}")
    print(f"证照标识：{result.identifier}")
    print(f"颁发机构：{result.issuer}")
    if isinstance(keys, dict) and keys.get("published_at"):
        print(f"状态清单发布时间：{keys['published_at']}")
    print(f"验证结果：{result.message}")
    return EXIT_OK if result.ok else EXIT_FAILED


def license_keys(args: argparse.Namespace) -> int:
    setup_django()
    require_migrated()
    import json
    from pathlib import Path

    from tongban.licenses.selectors import keys_document

    text = json.dumps(keys_document(), ensure_ascii=False, indent=2)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
        print(f"已写入 {args.output}。")
    else:
        print(text)
    return EXIT_OK


def keys_generate(args: argparse.Namespace) -> int:
    from cryptography.fernet import Fernet  # no Django: a key can be made before anything is configured

    print(Fernet.generate_key().decode())
    print(KEY_ROTATION_STEPS, file=sys.stderr)
    return EXIT_OK


KEY_ROTATION_STEPS = """
以上是一个新的数据密钥（只输出这一次，请妥善保管）。更换密钥的步骤：
  1. 把新密钥加在 TONGBAN_DATA_KEYS 的最前面（逗号分隔，旧密钥留在后面），重启所有服务器上的平台；
     此后新写入的数据用新密钥加密，旧数据仍可用旧密钥解密。
  2. 运行 tongban keys rotate，把已有数据全部改用新密钥加密（可重复运行，中断后再次运行即可继续）。
  3. 从 TONGBAN_DATA_KEYS 中删去旧密钥，再重启平台（旧密钥请离线保存，以便恢复旧备份）。"""


def manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tongban manage", *args.arguments])
    return EXIT_OK
