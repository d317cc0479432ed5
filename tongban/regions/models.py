"""Regions, organizations and the physical service points (halls, windows, kiosks) of the circle."""

from django.core.exceptions import ValidationError
from django.db import models

from tongban.core.identifiers import validate_uscc

from .choices import KioskStatus, OrganizationKind, RegionKind


class Region(models.Model):
    """A city, or a district/county/development zone inside one (two levels, as in the circle's lists).

    `key` is the stable identifier used by the API, imports and URLs: the GB/T 2260 code where one exists,
    otherwise a short slug (development zones have no code).
    """

    key = models.SlugField("标识", max_length=40, unique=True)
    code = models.CharField("行政区划代码", max_length=6, unique=True, null=True, blank=True)
    name = models.CharField("名称", max_length=60)
    short_name = models.CharField("简称", max_length=60, blank=True)
    kind = models.CharField("类型", max_length=20, choices=RegionKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    city = models.ForeignKey(
        "self", verbose_name="所属市", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("说明", max_length=200, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        # The city is derived, never entered: itself for a city, the parent otherwise.
        if self.kind == RegionKind.CITY:
            super().save(*args, **kwargs)
            if self.city_id != self.pk:
                Region.objects.filter(pk=self.pk).update(city=self.pk)
                self.city_id = self.pk
            return
        self.city_id = self.parent_id
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def is_city(self) -> bool:
        return self.kind == RegionKind.CITY

    def clean(self) -> None:
        if self.kind == RegionKind.CITY and self.parent_id:
            raise ValidationError({"parent": "市级行政区划不能有上级。"})
        if self.kind != RegionKind.CITY and not self.parent_id:
            raise ValidationError({"parent": "区、县、开发区必须选择所属市。"})


class Organization(models.Model):
    """A government body (or public service provider) identified by its USCC."""

    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=60, blank=True)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True, validators=[validate_uscc])
    kind = models.CharField("类型", max_length=20, choices=OrganizationKind.choices)
    region = models.ForeignKey(
        Region, verbose_name="所在行政区划", on_delete=models.PROTECT, related_name="organizations"
    )
    phone = models.CharField("咨询电话", max_length=40, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "部门/机构"
        ordering = ["region__sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Hall(models.Model):
    """A government service hall (政务服务大厅). Its name is unique: imports and exports refer to it."""

    name = models.CharField("名称", max_length=100, unique=True)
    region = models.ForeignKey(
        Region, verbose_name="所在行政区划", on_delete=models.PROTECT, related_name="halls"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="运营机构", on_delete=models.PROTECT, related_name="halls"
    )
    address = models.CharField("地址", max_length=200)
    opening_hours = models.CharField("办公时间", max_length=200)
    phone = models.CharField("咨询电话", max_length=40, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "政务服务大厅"
        ordering = ["region__sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    """A counter in a hall; a cross-city window (圈内通办专窗) receives for the circle's other cities."""

    hall = models.ForeignKey(Hall, verbose_name="大厅", on_delete=models.PROTECT, related_name="windows")
    number = models.CharField("窗口号", max_length=20)
    name = models.CharField("名称", max_length=100)
    is_cross_city = models.BooleanField("圈内通办专窗", default=False)
    description = models.CharField("服务内容", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "窗口"
        ordering = ["hall_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "number"], name="window_number_unique_in_hall")
        ]

    def __str__(self) -> str:
        return f"{self.hall.name} {self.number} {self.name}"


class Kiosk(models.Model):
    """A self-service machine (自助终端); its list of items is kept by the catalog's availability."""

    serial = models.CharField("设备编号", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    region = models.ForeignKey(
        Region, verbose_name="所在行政区划", on_delete=models.PROTECT, related_name="kiosks"
    )
    hall = models.ForeignKey(
        Hall, verbose_name="所在大厅", null=True, blank=True, on_delete=models.PROTECT, related_name="kiosks"
    )
    location = models.CharField("摆放位置", max_length=200)
    status = models.CharField("状态", max_length=20, choices=KioskStatus.choices, default=KioskStatus.ACTIVE)

    class Meta:
        verbose_name = verbose_name_plural = "自助终端"
        ordering = ["region__sort_order", "serial"]

    def __str__(self) -> str:
        return f"{self.name}（{self.serial}）"
