"""The argument parser: every command and option, with Chinese help."""

import argparse
import sys
from collections.abc import Callable

from . import commands
from .commands import EXIT_USAGE

DESCRIPTION = """通办：武汉都市圈政务服务“圈内通办”平台。

常用：
  tongban serve           启动平台（首次运行自动建库并加载演示数据）
  tongban check           检查配置
  tongban <命令> --help   查看某个命令的说明
"""

# argparse has no Chinese translation; these are the phrases of its errors that a user meets.
ARGPARSE_PHRASES = {
    "the following arguments are required": "缺少必需的参数",
    "unrecognized arguments": "无法识别的参数",
    "invalid choice": "无效的选择",
    "choose from": "可选",
    "expected one argument": "需要一个值",
    "not allowed with argument": "不能与以下参数同时使用",
    "invalid int value": "不是有效的整数",
    "invalid float value": "不是有效的数字",
    "invalid positive_int value": "应为正整数",
    "argument ": "参数 ",
}


class ChineseHelpFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        # argparse asks for an empty prefix when it builds a subcommand's name; keep that one empty.
        return super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """argparse with Chinese headings, help option and errors."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str):
        for english, chinese in ARGPARSE_PHRASES.items():
            message = message.replace(english, chinese)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}：错误：{message}\n")


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


def build_parser() -> Parser:
    parser = Parser(prog="tongban", description=DESCRIPTION)
    sub = parser.add_subparsers(title="命令", metavar="<命令>", dest="command", required=True)
    add_serve(sub)
    add_worker(sub)
    add_demo(sub)
    add_check(sub)
    add_catalog(sub)
    add_openapi(sub)
    add_audit(sub)
    add_keys(sub)
    add_staff(sub)
    add_calendar(sub)
    add_license(sub)
    add_manage(sub)
    return parser


def add_command(sub, name: str, handler: Callable, help_text: str, description: str) -> Parser:
    parser = sub.add_parser(name, help=help_text, description=description)
    parser.set_defaults(handler=handler)
    return parser


def add_serve(sub) -> None:
    serve = add_command(
        sub,
        "serve",
        commands.serve,
        "启动平台（网站、接口和后台任务）",
        "建立或升级数据库、收集静态文件，数据库为空时加载演示数据；然后用 gunicorn 提供网站和接口，"
        "并启动后台任务进程。按 Ctrl-C 或发送 SIGTERM 时两者一起停止。",
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1；对外服务请放在反向代理之后）"
    )
    serve.add_argument("--port", type=int, default=8000, help="监听端口（默认 8000）")
    serve.add_argument("--workers", type=positive_int, default=2, help="网站进程数（默认 2）")
    serve.add_argument("--no-demo", action="store_true", help="数据库为空时也不加载演示数据")


def add_worker(sub) -> None:
    worker = add_command(
        sub,
        "worker",
        commands.worker,
        "单独运行后台任务进程",
        "运行后台任务进程（django-tasks-db 的 db_worker）。tongban serve 已自带一个；"
        "多台服务器部署时可在任意台上各运行一个或多个。",
    )
    worker.add_argument("--interval", type=float, default=1.0, help="队列为空时的轮询间隔，单位秒（默认 1）")
    worker.add_argument("--batch", action="store_true", help="处理完队列中现有的任务后退出")


def add_demo(sub) -> None:
    demo = add_command(
        sub,
        "demo",
        commands.demo,
        "加载演示数据",
        "加载演示数据（九市行政区划、部门、事项、协议和演示账号），并列出演示账号。",
    )
    demo.add_argument("--reset", action="store_true", help="先清空已有的演示数据再重新加载")


def add_check(sub) -> None:
    check = add_command(
        sub, "check", commands.check, "检查配置", "运行 Django 的系统检查；发现错误时退出码为 1。"
    )
    check.add_argument("--deploy", action="store_true", help="同时进行生产部署相关的安全检查")


def add_catalog(sub) -> None:
    catalog = sub.add_parser(
        "catalog", help="事项目录的 Excel 导入与导出", description="以 Excel（.xlsx）导入或导出事项目录。"
    )
    actions = catalog.add_subparsers(title="操作", metavar="<操作>", dest="action", required=True)
    into = add_command(
        actions,
        "import",
        commands.catalog_import,
        "从 Excel 导入事项目录",
        "逐行校验后导入；任何一行有错时整个文件都不导入，并列出每个错误所在的工作表、行和列。",
    )
    into.add_argument("file", metavar="文件.xlsx", help="要导入的 Excel 文件")
    into.add_argument("--dry-run", action="store_true", help="只校验，不写入数据库")
    out = add_command(
        actions,
        "export",
        commands.catalog_export,
        "把事项目录导出为 Excel",
        "把事项目录的现行版本导出为 Excel 文件，导出的文件可以再导入。",
    )
    out.add_argument("file", metavar="文件.xlsx", help="导出到的 Excel 文件")
    out.add_argument("--organization", metavar="统一社会信用代码", help="只导出该实施主体的事项")
    out.add_argument("--city", metavar="地区标识", help="只导出该市的事项（行政区划代码，如武汉市 420100）")


def add_openapi(sub) -> None:
    openapi = add_command(
        sub,
        "openapi",
        commands.openapi,
        "输出或核对 OpenAPI 接口文档",
        "不带选项时把 OpenAPI 文档输出到标准输出。",
    )
    mode = openapi.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="写入仓库中的接口文档文件")
    mode.add_argument(
        "--check", action="store_true", help="核对仓库中的接口文档与接口是否一致，不一致时退出码为 1"
    )


def add_audit(sub) -> None:
    audit = sub.add_parser("audit", help="审计日志", description="审计日志的核对。")
    actions = audit.add_subparsers(title="操作", metavar="<操作>", dest="action", required=True)
    add_command(
        actions,
        "verify",
        commands.audit_verify,
        "核对审计日志的哈希链",
        "从第一条到最后一条逐条核对审计日志的哈希链，报告核对的条数；"
        "发现记录被修改、删除或插入时，指出第一条断开的记录（序号、时间、操作和原因），退出码为 1。",
    )


def add_license(sub) -> None:
    license_ = sub.add_parser(
        "license",
        help="电子证照（离线验证、导出公钥）",
        description="电子证照：用颁发机构公布的公钥离线验证导出的证照文件，或导出本平台的公钥与状态清单。",
    )
    actions = license_.add_subparsers(title="操作", metavar="<操作>", dest="action", required=True)
    verify = add_command(
        actions,
        "verify",
        commands.license_verify,
        "离线验证导出的电子证照文件",
        "只用公布的公钥与证照状态清单（--keys 文件）验证证照文件，不连接数据库或网络。"
        "结果为：有效、已被篡改、未知颁发机构、或非有效状态（如已撤销、已注销）。"
        "有效时退出码为 0，否则为 1。",
    )
    verify.add_argument("file", help="导出的证照文件（JSON）")
    verify.add_argument("--keys", required=True, help="公布的公钥与状态清单文件（tongban license keys 导出）")
    keys = add_command(
        actions,
        "keys",
        commands.license_keys,
        "导出公钥与证照状态清单",
        "导出本平台各颁发机构印章的公钥（含已停用的）和所有非有效证照的状态，供离线验证。",
    )
    keys.add_argument("--output", help="写入文件（默认输出到屏幕）")


def add_calendar(sub) -> None:
    calendar = sub.add_parser(
        "calendar",
        help="工作日历（法定节假日与调休）",
        description="工作日历：各年的法定节假日与调休上班日。新的年份在管理后台录入。",
    )
    actions = calendar.add_subparsers(title="操作", metavar="<操作>", dest="action", required=True)
    add_command(
        actions,
        "status",
        commands.calendar_status,
        "列出各年份的录入情况",
        "列出工作日历中的年份：是否已完整录入、法定节假日和调休上班的天数、来源。"
        "未完整录入的年份按周末计算期限，期限标为暂定。",
    )
    add_command(
        actions,
        "import",
        commands.calendar_import,
        "从 chinese-calendar 软件包导入新的年份",
        "升级 chinese-calendar 软件包后，把它新增的年份导入工作日历（已有的年份不改动），"
        "并重新计算跨入这些年份的暂定期限。可重复运行。",
    )


def add_staff(sub) -> None:
    staff = sub.add_parser(
        "staff", help="工作人员账号", description="工作人员账号的管理（其余在管理后台进行）。"
    )
    actions = staff.add_subparsers(title="操作", metavar="<操作>", dest="action", required=True)
    create = add_command(
        actions,
        "create-admin",
        commands.staff_create_admin,
        "创建平台管理员账号",
        "新装平台后创建第一个平台管理员（之后的工作人员和角色在管理后台中管理）。"
        "在终端中运行时提示输入密码；否则账号没有可用密码，须通过“忘记密码”或统一身份认证登录。",
    )
    create.add_argument("username", help="登录名（字母开头的 4–30 个字母、数字或 _ . -）")
    create.add_argument("--name", required=True, help="姓名")
    create.add_argument("--email", required=True, help="电子邮箱（用于找回密码）")
    create.add_argument("--organization", required=True, metavar="USCC", help="所在单位的统一社会信用代码")


def add_keys(sub) -> None:
    keys = sub.add_parser(
        "keys",
        help="个人信息加密密钥的生成与更换",
        description="生成新的数据密钥，或用最新的密钥重新加密已有数据。",
    )
    actions = keys.add_subparsers(title="操作", metavar="<操作>", dest="action", required=True)
    add_command(
        actions,
        "generate",
        commands.keys_generate,
        "生成一个新的数据密钥",
        "输出一个新的数据密钥（Fernet），并说明更换密钥的步骤。",
    )
    rotate = add_command(
        actions,
        "rotate",
        commands.keys_rotate,
        "用最新的数据密钥重新加密已有数据",
        "把所有加密保存的个人信息（身份号码、手机号码等）改用 TONGBAN_DATA_KEYS 中的第一个密钥加密。"
        "分批进行，每批一个事务；已在新密钥下的值不再处理，中断后再次运行即可继续。"
        "运行前须保留旧密钥在列表中，完成后再删去。",
    )
    rotate.add_argument("--batch-size", type=positive_int, default=500, help="每批处理的记录数（默认 500）")
    rotate.add_argument(
        "--blind-index",
        action="store_true",
        help="同时用当前的 TONGBAN_BLIND_INDEX_KEY 重新计算盲索引（更换盲索引密钥后运行，期间请停止平台）",
    )


def add_manage(sub) -> None:
    manage = add_command(
        sub,
        "manage",
        commands.manage,
        "运行 Django 管理命令",
        "把其后的全部参数原样交给 Django 的管理命令，"
        "例如 tongban manage migrate、tongban manage createsuperuser。",
    )
    manage.add_argument(
        "arguments",
        nargs=argparse.REMAINDER,
        metavar="管理命令及参数",
        help="如 migrate、shell、createsuperuser",
    )
