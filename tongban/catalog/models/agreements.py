"""Agreements between regions, and the 通办 list's batches (its history: 410 → 653 items)."""

from django.db import models

from tongban.regions.models import Organization, Region

from .items import Implementation


class Agreement(models.Model):
    """Regions that agree to receive a list of each other's implementations (合作协议)."""

    name = models.CharField("协议名称", max_length=200)
    document_number = models.CharField("协议编号", max_length=60, unique=True)
    summary = models.TextField("主要内容", blank=True)
    signed_on = models.DateField("签署日期")
    effective_from = models.DateField("生效日期")
    effective_until = models.DateField("终止日期", null=True, blank=True)
    parties = models.ManyToManyField(
        Region, through="AgreementParty", verbose_name="签约地区", related_name="+"
    )
    items = models.ManyToManyField(
        Implementation, through="AgreementItem", verbose_name="通办事项", related_name="agreements"
    )

    class Meta:
        verbose_name = verbose_name_plural = "合作协议"
        ordering = ["signed_on", "id"]

    def __str__(self) -> str:
        return self.name


class AgreementParty(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="party_rows")
    region = models.ForeignKey(Region, verbose_name="签约地区", on_delete=models.PROTECT, related_name="+")
    signatory = models.ForeignKey(
        Organization,
        verbose_name="签约单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField("序号", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "签约方"
        ordering = ["agreement_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["agreement", "region"], name="agreement_party_unique")]

    def __str__(self) -> str:
        return self.region.display_name


class AgreementItem(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="item_rows")
    implementation = models.ForeignKey(
        Implementation, verbose_name="实施清单", on_delete=models.PROTECT, related_name="agreement_rows"
    )

    class Meta:
        verbose_name = verbose_name_plural = "协议事项"
        ordering = ["agreement_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "implementation"], name="agreement_item_unique"),
        ]

    def __str__(self) -> str:
        return str(self.implementation)


class TongbanBatch(models.Model):
    """A published batch of the circle's 通办 list; each implementation joins the list in one batch."""

    name = models.CharField("批次名称", max_length=100, unique=True)
    document_number = models.CharField("发布文号", max_length=60, blank=True)
    published_on = models.DateField("发布日期")
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通办清单批次"
        ordering = ["published_on", "id"]

    def __str__(self) -> str:
        return self.name


class BatchEntry(models.Model):
    batch = models.ForeignKey(TongbanBatch, on_delete=models.CASCADE, related_name="entries")
    implementation = models.OneToOneField(
        Implementation, verbose_name="实施清单", on_delete=models.PROTECT, related_name="batch_entry"
    )

    class Meta:
        verbose_name = verbose_name_plural = "清单条目"
        ordering = ["batch_id", "id"]

    def __str__(self) -> str:
        return str(self.implementation)
