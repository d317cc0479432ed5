"""The `tongban` command line, and the README's promises about it (configuration table)."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tongban.cli import main
from tongban.cli.parser import build_parser

README = Path(__file__).resolve().parent.parent / "README.md"


def command_paths(parser=None, prefix=()) -> list[tuple[str, ...]]:
    """Every command and subcommand as an argument list: (), ("serve",), ("catalog", "import")..."""
    parser = parser or build_parser()
    paths = [prefix]
    for action in parser._subparsers._group_actions if parser._subparsers else []:
        for name, subparser in action.choices.items():
            paths += command_paths(subparser, (*prefix, name))
    return paths


def test_the_command_line_has_every_command_of_the_issue():
    assert set(command_paths()) == {
        (),
        ("serve",),
        ("worker",),
        ("demo",),
        ("check",),
        ("catalog",),
        ("catalog", "import"),
        ("catalog", "export"),
        ("openapi",),
        ("audit",),
        ("audit", "verify"),
        ("keys",),
        ("keys", "generate"),
        ("keys", "rotate"),
        ("staff",),
        ("staff", "create-admin"),
        ("calendar",),
        ("calendar", "status"),
        ("calendar", "import"),
        ("license",),
        ("license", "verify"),
        ("license", "keys"),
        ("manage",),
    }


@pytest.mark.parametrize("command", command_paths(), ids=lambda c: " ".join(c) or "tongban")
def test_help_of_every_command_is_in_chinese(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])

    out = capsys.readouterr().out
    assert exit_info.value.code == 0
    assert out.startswith(f"用法：{' '.join(['tongban', *command])} ")
    assert "显示本帮助并退出" in out


@pytest.mark.django_db  # Django's checks ask the database whether it supports JSON fields
def test_check_passes(capsys):
    assert main(["check"]) == 0
    assert "System check identified no issues" in capsys.readouterr().out


def test_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])

    assert exit_info.value.code == 2
    assert "tongban：错误：参数 <命令>: 无效的选择: 'frobnicate'" in capsys.readouterr().err


def test_importing_a_missing_file_fails_with_a_chinese_message(tmp_path, capsys):
    missing = tmp_path / "目录.xlsx"

    assert main(["catalog", "import", str(missing)]) == 1
    assert capsys.readouterr().err == f"错误：找不到文件：{missing}\n"


def test_workers_must_be_a_positive_number(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["serve", "--workers", "0"])

    assert exit_info.value.code == 2
    assert "参数 --workers: 应为正整数: '0'" in capsys.readouterr().err


# --- README ------------------------------------------------------------------------------------------


def environment_table() -> str:
    """The README's configuration table, generated from settings.ENVIRONMENT."""
    lines = ["| Variable | Default | Meaning |", "|---|---|---|"]
    for name, (default, meaning) in settings.ENVIRONMENT.items():
        shown = f"`{default}`" if default else "(empty)"
        lines.append(f"| `{name}` | {shown} | {meaning.replace('|', '\\|')} |")
    return "\n".join(lines)


def test_readme_lists_every_environment_variable():
    text = README.read_text(encoding="utf-8")
    start, end = "<!-- environment:start -->\n", "\n<!-- environment:end -->"
    block = text[text.index(start) + len(start) : text.index(end)] if start in text else ""

    assert block == environment_table(), f"Replace the README's table with:\n{environment_table()}"


# --- tongban serve, end to end ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tongban_command() -> list[str]:
    """The installed console script, so that the test also proves it is installed."""
    script = shutil.which("tongban", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "tongban.cli"]


def children_of(pid: int) -> dict[int, list[str]]:
    """Child processes of pid with their command lines (Linux /proc)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (stat.parent / "cmdline").read_bytes().decode().split("\0")[:-1]
        except (OSError, IndexError, ValueError):
            continue  # the process ended while we looked
        if parent == pid:
            found[int(stat.parent.name)] = cmdline
    return found


def is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def get_json_when_up(url: str, *, process: subprocess.Popen, log: Path, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"tongban serve exited early:\n{log.read_text()}"
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (local URL)
                return json.loads(response.read())
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"{url} did not answer within {timeout} s:\n{log.read_text()}")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads child processes from Linux /proc")
def test_serve_runs_site_and_worker_with_the_demo_data_and_ctrl_c_stops_both(tmp_path):
    # given: a fresh var dir (SQLite, even when the suite itself runs on PostgreSQL)
    port, log = free_port(), tmp_path / "serve.log"
    env = {**os.environ, "TONGBAN_VAR_DIR": str(tmp_path / "var")}
    env.pop("TONGBAN_DATABASE_URL", None)
    with log.open("w") as out:
        serve = subprocess.Popen(  # noqa: S603
            [*tongban_command(), "serve", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        # when: it answers
        stats = get_json_when_up(
            f"http://127.0.0.1:{port}/api/v1/catalog/stats", process=serve, log=log, timeout=120
        )
        children = children_of(serve.pid)
        workers = [pid for pid, cmdline in children.items() if cmdline[-1:] == ["worker"]]

        # then: the demo data is there and the background worker runs beside the web workers
        assert stats["tongban_items"] == 653
        assert len(workers) == 1, children
        assert len(children) == 3, children  # the worker and the two web workers (default --workers 2)

        # when: Ctrl-C
        serve.send_signal(signal.SIGINT)

        # then: it exits cleanly and leaves no process behind
        assert serve.wait(timeout=90) == 0, log.read_text()
        assert [pid for pid in children if is_running(pid)] == []
        assert "演示账号" in log.read_text()
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()


# --- keys and audit (the commands' behaviour is tested in tongban/core/tests) ------------------------


def test_keys_generate_needs_no_configuration():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(  # noqa: S603
        [*tongban_command(), "keys", "generate"], env=env, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip()) == 44  # a urlsafe-base64 Fernet key
    assert "tongban keys rotate" in result.stderr


# --- the first platform administrator ---------------------------------------------------------------


def create_admin(uscc: str) -> int:
    return main(
        [
            "staff",
            "create-admin",
            "chief01",
            "--name",
            "王管理",
            "--email",
            "a@example.cn",
            "--organization",
            uscc,
        ]
    )


@pytest.mark.django_db
def test_staff_create_admin_makes_an_audited_platform_admin(capsys, monkeypatch):
    from tongban.core.models import AuditEntry
    from tongban.identity.access import actor_for
    from tongban.identity.models import User
    from tongban.regions.tests.factories import OrganizationFactory

    organization = OrganizationFactory()
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)

    code = create_admin(organization.uscc)

    user = User.objects.get(username="chief01")
    assert code == 0
    assert actor_for(user).is_platform_admin and user.is_staff and user.is_superuser
    assert "忘记密码" in capsys.readouterr().out  # nobody knows its password yet
    assert AuditEntry.objects.filter(action="staff_account.created", channel="cli").count() == 1


@pytest.mark.django_db
def test_staff_create_admin_refuses_a_taken_username_and_creates_nothing(capsys):
    from tongban.identity.models import StaffRole
    from tongban.identity.tests.factories import UserFactory
    from tongban.regions.tests.factories import OrganizationFactory

    organization = OrganizationFactory()
    UserFactory(username="chief01")

    code = create_admin(organization.uscc)

    assert code == 1
    assert capsys.readouterr().err == "错误：用户名“chief01”已被使用。\n"
    assert not StaffRole.objects.exists()


@pytest.mark.django_db
def test_staff_create_admin_needs_a_known_organization(capsys):
    code = create_admin("91420100MA4KXXXX0X")

    assert code == 1
    assert "未找到统一社会信用代码为 91420100MA4KXXXX0X 的单位" in capsys.readouterr().err
