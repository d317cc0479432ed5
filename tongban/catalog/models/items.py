"""Service items of the basic catalog (基本目录) and their implementations by organizations (实施清单)."""

from django.db import models

from tongban.catalog.choices import Audience, ItemType, Theme
from tongban.regions.models import Organization


class ServiceItem(models.Model):
    """An item as named in the basic catalog; the same item is implemented by many organizations."""

    basic_code = models.CharField("基本编码", max_length=12, unique=True)
    name = models.CharField("事项名称", max_length=200)
    item_type = models.CharField("事项类型", max_length=20, choices=ItemType.choices)
    theme = models.CharField("主题", max_length=30, choices=Theme.choices)
    audience = models.CharField("服务对象", max_length=10, choices=Audience.choices)
    legal_basis = models.TextField("设定依据", blank=True)
    aliases = models.JSONField("别名", default=list, blank=True, help_text="其他常用叫法，如“社保卡”。")

    class Meta:
        verbose_name = verbose_name_plural = "事项（基本目录）"
        ordering = ["basic_code"]

    def __str__(self) -> str:
        return self.name


class Implementation(models.Model):
    """One organization's implementation of an item. Its guide lives in versions; `current` is the one
    in force. The identity (code, item, organization) never changes, so agreements and the 通办 list
    refer to it and always mean the version in force."""

    code = models.CharField("实施编码", max_length=36, unique=True)
    service_item = models.ForeignKey(
        ServiceItem, verbose_name="事项", on_delete=models.PROTECT, related_name="implementations"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="实施主体", on_delete=models.PROTECT, related_name="implementations"
    )
    current = models.OneToOneField(
        "catalog.ImplementationVersion",
        verbose_name="现行版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "实施清单"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_item", "organization"], name="one_implementation_per_org"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_item.name}（{self.organization.name}）"
