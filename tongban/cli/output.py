"""What the commands print: aligned tables (CJK characters are two columns wide) and the serve banner."""

import unicodedata
from collections.abc import Sequence
from dataclasses import fields, is_dataclass


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(rows: Sequence[Sequence[object]], headers: Sequence[str] | None = None) -> str:
    lines = [list(headers)] if headers else []
    lines += [[str(cell) for cell in row] for row in rows]
    if not lines:
        return ""
    widths = [max(display_width(line[i]) for line in lines) for i in range(len(lines[0]))]
    return "\n".join(
        "  " + "  ".join(c + " " * (w - display_width(c)) for c, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def describe(result: object) -> str:
    """A service's result for the terminal: its own str() if it defines one, else its dataclass fields."""
    if is_dataclass(result) and type(result).__str__ is object.__str__:
        return table([(f.name, getattr(result, f.name)) for f in fields(result)])
    return str(result)


def demo_accounts_table() -> str:
    """Every demo account, then the kiosk's API token (its token in the password column)."""
    from tongban.demo.accounts import demo_accounts, demo_kiosk_token

    rows = [
        (a.username, a.password, a.role, a.city, a.organization)
        for a in [*demo_accounts(), demo_kiosk_token()]
    ]
    return table(rows, headers=["用户名", "密码（令牌）", "角色", "城市", "单位或姓名"])


def public_url(host: str, port: int, path: str = "/") -> str:
    """The address to open in a browser; a wildcard bind is reached through the loopback address."""
    shown = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104
    return f"http://[{shown}]:{port}{path}" if ":" in shown else f"http://{shown}:{port}{path}"


def serve_banner(*, host: str, port: int, database: str, worker_pid: int | None, accounts: bool) -> str:
    lines = [
        "",
        "通办已启动：",
        table(
            [
                ("网站", public_url(host, port)),
                ("接口文档", public_url(host, port, "/api/docs")),
                ("管理后台", public_url(host, port, "/admin/")),
                ("数据库", database),
                ("后台任务", f"已启动（进程 {worker_pid}）"),
            ]
        ),
    ]
    if accounts:
        lines += ["", "演示账号（仅供试用，切勿用于生产环境）：", demo_accounts_table()]
    lines += ["", "按 Ctrl-C 停止。", ""]
    return "\n".join(lines)
