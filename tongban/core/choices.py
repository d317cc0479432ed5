from django.db import models


class Channel(models.TextChoices):
    """Where an action came from (DESIGN.md: every transition records its channel)."""

    WEB = "web", "网站"
    MOBILE = "mobile", "移动端"
    WINDOW = "window", "窗口"
    KIOSK = "kiosk", "自助终端"
    API = "api", "接口"
    ADMIN = "admin", "管理后台"
    CLI = "cli", "命令行"
    SYSTEM = "system", "系统"
