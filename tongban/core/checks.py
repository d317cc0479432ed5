"""Tongban's own system checks, beside Django's (`tongban check`, `tongban check --deploy`).

Django's deploy checks cover HTTPS, cookies and headers. These add what only Tongban knows: a
production deployment takes its secrets from the environment (a key kept under one server's var/ is
not shared by the next server, and is lost with it), runs the production profile, and has a shared
cache, without which rate limits are counted per process. Messages are in Chinese and name the
environment variable that fixes them.
"""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

# Caches whose counters every process shares and increments atomically (what django-ratelimit needs).
SHARED_CACHES = ("redis", ".memcached.")
MIN_BLIND_INDEX_KEY = 32


@register(Tags.security)
def data_keys_are_fernet_keys(app_configs, **kwargs) -> list:
    """Always checked: a wrong key would otherwise fail only when the first ID number is saved."""
    if not settings.DATA_KEYS:
        return [Error("没有配置数据密钥。", hint="设置 TONGBAN_DATA_KEYS。", id="tongban.E001")]
    errors = []
    for position, key in enumerate(settings.DATA_KEYS, start=1):
        try:
            Fernet(key.encode())
        except ValueError:
            errors.append(
                Error(
                    f"TONGBAN_DATA_KEYS 中第 {position} 个密钥不是有效的 Fernet 密钥。",
                    hint="用 tongban keys generate 生成密钥。",
                    id="tongban.E001",
                )
            )
    return errors


@register(Tags.security, deploy=True)
def production_profile(app_configs, **kwargs) -> list:
    problems = []
    if not settings.SECURE_PRODUCTION:
        problems.append(
            Warning(
                "未启用生产配置：Cookie 不限于 HTTPS，也不发送 HSTS。",
                hint="在 HTTPS 反向代理之后运行，并设置 TONGBAN_SECURE=1。",
                id="tongban.W001",
            )
        )
    if settings.DEBUG:
        problems.append(
            Warning(
                "调试模式已开启：出错页面会显示配置和数据。", hint="设置 TONGBAN_DEBUG=0。", id="tongban.W003"
            )
        )
    if not settings.SESSION_COOKIE_SECURE:
        problems.append(
            Warning(
                "会话 Cookie 未限于 HTTPS 发送，登录状态可能被窃取。",
                hint="设置 TONGBAN_SECURE=1。",
                id="tongban.W005",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def secrets_from_environment(app_configs, **kwargs) -> list:
    missing = [name for name, given in settings.SECRETS_FROM_ENVIRONMENT.items() if not given]
    problems = []
    if missing:
        problems.append(
            Warning(
                f"{'、'.join(missing)} 未在环境变量中设置，正在使用本机 var 目录中自动生成的密钥："
                "多台服务器之间无法共用，目录丢失后已加密的个人信息无法解密。",
                hint="在环境变量中设置这些密钥（数据密钥可用 tongban keys generate 生成），"
                "并与数据库分开妥善备份。",
                id="tongban.W002",
            )
        )
    if len(settings.BLIND_INDEX_KEY) < MIN_BLIND_INDEX_KEY:
        problems.append(
            Warning(
                f"盲索引密钥过短（少于 {MIN_BLIND_INDEX_KEY} 个字符），身份号码可被穷举。",
                hint="TONGBAN_BLIND_INDEX_KEY 请使用 64 位十六进制随机数（如 openssl rand -hex 32）。",
                id="tongban.W006",
            )
        )
    return problems


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs) -> list:
    backend = settings.CACHES["default"]["BACKEND"].lower()
    if any(name in backend for name in SHARED_CACHES):
        return []
    return [
        Warning(
            "未配置共享缓存：登录、注册、找回密码和身份码核验的频率限制只能按进程分别计数。",
            hint="设置 TONGBAN_REDIS_URL（如 redis://127.0.0.1:6379/0）。",
            id="tongban.W004",
        )
    ]


@register()
def same_day_cutoff_is_a_time(app_configs, **kwargs) -> list:
    """Always checked: a mistyped cut-off would otherwise fail at the first 即办件."""
    import re

    if re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", settings.SAME_DAY_CUTOFF or ""):
        return []
    return [
        Error(
            f"即办件截止时间“{settings.SAME_DAY_CUTOFF}”不是有效的时刻。",
            hint="TONGBAN_SAME_DAY_CUTOFF 应为 24 小时制的“时:分”，如 16:00。",
            id="tongban.E002",
        )
    ]


@register()
def deadline_thresholds_are_numbers(app_configs, **kwargs) -> list:
    """Always checked: the deadline lights read these at every sweep."""
    errors = []
    for name, value, low, high in [
        ("TONGBAN_DEADLINE_YELLOW_PERCENT", settings.DEADLINE_YELLOW_PERCENT, 0, 100),
        ("TONGBAN_DEADLINE_YELLOW_DAYS", settings.DEADLINE_YELLOW_DAYS, 0, 365),
    ]:
        if not str(value).isdigit() or not low <= int(value) <= high:
            errors.append(
                Error(
                    f"{name}=“{value}”无效。",
                    hint=f"{name} 应为 {low} 到 {high} 之间的整数。",
                    id="tongban.E003",
                )
            )
    return errors


# A 亮证 code lives minutes: long enough to read out at a window, short enough to lapse if overheard.
PRESENTATION_MINUTES_RANGE = (1, 30)


@register()
def presentation_minutes_in_range(app_configs, **kwargs) -> list:
    """Always checked: the value is read with int() at every 亮证, so a mistyped one would fail the first."""
    value, (low, high) = settings.PRESENTATION_MINUTES, PRESENTATION_MINUTES_RANGE
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        minutes = None
    if minutes is not None and low <= minutes <= high:
        return []
    return [
        Error(
            f"TONGBAN_PRESENTATION_MINUTES=“{value}”无效：亮证码的有效时间应为 {low} 到 {high} 分钟。",
            hint=f"TONGBAN_PRESENTATION_MINUTES 应为 {low} 到 {high} 之间的整数，默认 5。",
            id="tongban.E004",
        )
    ]
