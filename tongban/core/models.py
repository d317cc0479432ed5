"""The audit log: append-only, hash-chained.

Each entry's hash covers its content and the previous entry's hash, so changing, removing or inserting
an entry breaks the chain from there on; AuditHead holds the last sequence number and hash, so removing
entries at the end is caught too. Both databases refuse UPDATE of entries with a trigger (and
PostgreSQL DELETE as well; see migration 0002); the chain catches what a database administrator could
still do. Actors are stored as ids and labels, not foreign keys: the log outlives accounts.

The working-day calendar's tables follow the audit log's (read through tongban.core.calendar).
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .choices import Channel


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间")
    action = models.CharField("操作", max_length=60, db_index=True)
    actor_id = models.BigIntegerField("操作人", null=True, blank=True, db_index=True)
    actor_label = models.CharField("操作人", max_length=200, blank=True)
    on_behalf_of_id = models.BigIntegerField("代表", null=True, blank=True)
    on_behalf_of_label = models.CharField("代表", max_length=200, blank=True)
    organization_id = models.BigIntegerField("操作人所在单位", null=True, blank=True, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, blank=True)
    object_id = models.CharField("对象", max_length=64, blank=True)
    object_label = models.CharField("对象名称", max_length=200, blank=True)
    channel = models.CharField("渠道", max_length=20, choices=Channel.choices)
    ip = models.GenericIPAddressField("地址", null=True, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.actor_label}"


class AuditHead(models.Model):
    """One row: the end of the chain. Appending locks it, so entries are chained one at a time."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "审计日志链尾"

    def __str__(self) -> str:
        return f"#{self.seq}"


# --- Working-day calendar ------------------------------------------------------------------------------
# Holidays and make-up workdays per year (DESIGN.md "Working-day calendar"; the rules that read them are in
# tongban.core.calendar). A year counts as known only once its row is marked complete: until then its
# deadlines are counted on weekends alone and are provisional.


class CalendarSource(models.TextChoices):
    PACKAGE = "chinese-calendar", "chinese-calendar 软件包"
    ADMIN = "admin", "管理员录入"


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "法定节假日"
    WORKDAY = "workday", "调休上班"


class CalendarYear(models.Model):
    year = models.PositiveSmallIntegerField(
        "年份",
        unique=True,
        validators=[
            MinValueValidator(2000, "年份应在 2000 年到 2999 年之间。"),
            MaxValueValidator(2999, "年份应在 2000 年到 2999 年之间。"),
        ],
    )
    complete = models.BooleanField(
        "已完整录入",
        default=False,
        help_text="国务院办公厅的放假安排已全部录入。勾选后该年按录入的节假日计算期限，不能再取消。",
    )
    notice = models.CharField(
        "依据",
        max_length=200,
        blank=True,
        help_text="放假安排的通知，如：国务院办公厅关于2027年部分节假日安排的通知",
    )
    source = models.CharField(
        "来源", max_length=20, choices=CalendarSource.choices, default=CalendarSource.ADMIN
    )
    entered_at = models.DateTimeField("录入时间", null=True, blank=True)
    entered_by_id = models.BigIntegerField("录入人编号", null=True, blank=True)
    entered_by_label = models.CharField("录入人", max_length=200, blank=True)
    changed_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作日历"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(models.Model):
    """A day that is not what its weekday says: a holiday on a weekday, or a weekend worked in lieu.
    Weekend days inside a holiday period are kept too (as the State Council's notice lists them)."""

    year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name="年份")
    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=DayKind.choices)
    name = models.CharField("节日", max_length=60, help_text="如：国庆节")
    changed_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}"


@receiver([post_save, post_delete], sender=CalendarYear, dispatch_uid="calendar_year_changed")
@receiver([post_save, post_delete], sender=CalendarDay, dispatch_uid="calendar_day_changed")
def _calendar_changed(sender, using: str = "default", **kwargs) -> None:
    """Cache invalidation only, no domain logic: the calendar's per-process snapshot is dropped."""
    from .calendar import calendar_changed

    calendar_changed(using=using)
