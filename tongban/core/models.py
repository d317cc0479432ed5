"""The audit log: append-only, hash-chained.

Each entry's hash covers its content and the previous entry's hash, so changing, removing or inserting
an entry breaks the chain from there on; AuditHead holds the last sequence number and hash, so removing
entries at the end is caught too. Both databases refuse UPDATE of entries with a trigger (and
PostgreSQL DELETE as well; see migration 0002); the chain catches what a database administrator could
still do. Actors are stored as ids and labels, not foreign keys: the log outlives accounts.
"""

from django.db import models

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
