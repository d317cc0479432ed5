"""The production profile: `tongban check --deploy` is clean when it is configured as the README says,
and each of Tongban's own deploy checks speaks up when its condition is broken."""

import os
import secrets
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.core.checks.registry import registry

REDIS = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1"}
}


def production_environment(var_dir) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TONGBAN_", "DJANGO_"))}
    return env | {
        "TONGBAN_SECURE": "1",
        "TONGBAN_VAR_DIR": str(var_dir),
        "TONGBAN_SECRET_KEY": secrets.token_urlsafe(60),
        "TONGBAN_DATA_KEYS": f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}",
        "TONGBAN_BLIND_INDEX_KEY": secrets.token_hex(32),
        "TONGBAN_ALLOWED_HOSTS": "tongban.example.gov.cn",
        "TONGBAN_REDIS_URL": "redis://127.0.0.1:6379/0",
        "TONGBAN_EMAIL_HOST": "smtp.example.gov.cn",  # the password reset sends mail
    }


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tongban.cli", "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_check_deploy_is_clean_in_the_production_profile(tmp_path):
    result = check_deploy(production_environment(tmp_path / "var"))

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "System check identified no issues (0 silenced).\n"
    assert list((tmp_path / "var").glob("*key*")) == []  # no secret was made up under var/


def test_check_deploy_warns_about_the_embedded_defaults(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TONGBAN_", "DJANGO_"))}

    result = check_deploy(env | {"TONGBAN_VAR_DIR": str(tmp_path / "var")})

    reported = result.stdout + result.stderr
    for check_id in ("tongban.W001", "tongban.W002", "tongban.W004", "tongban.W005", "security.W004"):
        assert f"({check_id})" in reported


# --- each of Tongban's deploy checks, in this process ---------------------------------------------------


@pytest.fixture
def production(settings):
    """Settings as the production profile makes them; a test then breaks one thing."""
    settings.SECURE_PRODUCTION = True
    settings.DEBUG = False
    settings.SESSION_COOKIE_SECURE = True
    settings.SECRETS_FROM_ENVIRONMENT = dict.fromkeys(settings.SECRETS_FROM_ENVIRONMENT, True)
    settings.BLIND_INDEX_KEY = secrets.token_hex(32)
    settings.CACHES = REDIS
    return settings


def tongban_messages(*, deploy: bool = True) -> dict[str, str]:
    """What Tongban's own checks say (the registry's, so a check that is not registered is not run)."""
    checks = [
        c
        for c in registry.get_checks(include_deployment_checks=deploy)
        if c.__module__ == "tongban.core.checks"
    ]
    return {message.id: message.msg for check in checks for message in check(app_configs=None)}


def test_tongban_checks_are_quiet_in_the_production_profile(production):
    assert tongban_messages() == {}


def test_the_production_profile_must_be_on(production):
    production.SECURE_PRODUCTION = False

    assert tongban_messages() == {"tongban.W001": "未启用生产配置：Cookie 不限于 HTTPS，也不发送 HSTS。"}


@pytest.mark.parametrize("variable", ["TONGBAN_SECRET_KEY", "TONGBAN_DATA_KEYS", "TONGBAN_BLIND_INDEX_KEY"])
def test_secrets_must_come_from_the_environment(production, variable):
    production.SECRETS_FROM_ENVIRONMENT = production.SECRETS_FROM_ENVIRONMENT | {variable: False}

    messages = tongban_messages()

    assert list(messages) == ["tongban.W002"]
    assert messages["tongban.W002"].startswith(f"{variable} 未在环境变量中设置")


def test_debug_must_be_off(production):
    production.DEBUG = True

    assert list(tongban_messages()) == ["tongban.W003"]


def test_a_shared_cache_is_required_for_rate_limits(production):
    production.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    assert list(tongban_messages()) == ["tongban.W004"]


def test_the_session_cookie_must_be_secure(production):
    production.SESSION_COOKIE_SECURE = False

    assert list(tongban_messages()) == ["tongban.W005"]


def test_the_blind_index_key_must_be_long(production):
    production.BLIND_INDEX_KEY = "short"

    assert list(tongban_messages()) == ["tongban.W006"]


def test_a_malformed_data_key_is_an_error_even_without_deploy(settings):
    settings.DATA_KEYS = [Fernet.generate_key().decode(), "not-a-key"]

    assert tongban_messages(deploy=False) == {
        "tongban.E001": "TONGBAN_DATA_KEYS 中第 2 个密钥不是有效的 Fernet 密钥。"
    }


def test_deploy_checks_are_not_run_by_a_plain_check(production):
    production.DEBUG = True

    assert tongban_messages(deploy=False) == {}
