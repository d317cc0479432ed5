"""The guide (办事指南) of an implementation, versioned.

Editing happens on the one draft version; publishing freezes it. A case refers to the exact version it
was received under, so a published version and its rows never change again (enforced in save/delete).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from tongban.catalog.choices import (
    CaseType,
    MaterialForm,
    MaterialSource,
    Necessity,
    ResultType,
    VersionStatus,
)
from tongban.regions.models import Hall, Organization

from .items import Implementation


class FrozenVersionError(ValidationError):
    def __init__(self):
        super().__init__("已发布的版本不能修改，请先创建新的草稿版本。", code="frozen_version")


class ImplementationVersion(models.Model):
    implementation = models.ForeignKey(
        Implementation, verbose_name="实施清单", on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField("版本号")
    status = models.CharField(
        "状态", max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    change_note = models.CharField("变更说明", max_length=300, blank=True)

    name = models.CharField("事项名称", max_length=200)
    conditions = models.TextField("受理条件")
    case_type = models.CharField("办件类型", max_length=20, choices=CaseType.choices)
    statutory_days = models.PositiveSmallIntegerField("法定办结时限（工作日）")
    promised_days = models.PositiveSmallIntegerField("承诺办结时限（工作日）")
    visits = models.PositiveSmallIntegerField("到现场次数", default=0)
    handling_process = models.TextField("办理流程说明", blank=True)
    consultation_phone = models.CharField("咨询电话", max_length=60)
    complaint_phone = models.CharField("投诉电话", max_length=60)
    postal_materials = models.BooleanField("支持材料邮寄", default=False)
    postal_results = models.BooleanField("支持结果邮寄", default=False)
    result_name = models.CharField("审批结果名称", max_length=120, blank=True)
    result_type = models.CharField(
        "审批结果类型", max_length=20, choices=ResultType.choices, default=ResultType.NONE
    )
    result_license_type_code = models.CharField("结果电子证照类型代码", max_length=40, blank=True)
    form_schema = models.JSONField("申请表单定义", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "办事指南版本"
        ordering = ["implementation_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["implementation", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["implementation"],
                condition=models.Q(status="draft"),
                name="one_draft_per_implementation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} 第{self.number}版（{self.get_status_display()}）"

    def save(self, *args, **kwargs):
        # Publishing and superseding change the status with QuerySet.update(), never through save().
        if self.pk:
            stored = ImplementationVersion.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored and stored != VersionStatus.DRAFT:
                raise FrozenVersionError()
        super().save(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    def clean(self) -> None:
        if None not in (self.promised_days, self.statutory_days) and self.promised_days > self.statutory_days:
            raise ValidationError({"promised_days": "承诺办结时限不能超过法定办结时限。"})
        if self.case_type == CaseType.IMMEDIATE and self.promised_days not in (None, 0):
            raise ValidationError({"promised_days": "即办件的承诺办结时限应为0个工作日（当场办结）。"})

    def delete(self, *args, **kwargs):
        if self.status != VersionStatus.DRAFT:
            raise FrozenVersionError()
        return super().delete(*args, **kwargs)


class GuidePart(models.Model):
    """A row of a guide (material, step, fee, location, FAQ): editable only while its version is a draft."""

    position = models.PositiveSmallIntegerField("序号", default=0)

    class Meta:
        abstract = True
        ordering = ["version_id", "position", "id"]

    def save(self, *args, **kwargs):
        if not ImplementationVersion.objects.filter(pk=self.version_id, status=VersionStatus.DRAFT).exists():
            raise FrozenVersionError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not ImplementationVersion.objects.filter(pk=self.version_id, status=VersionStatus.DRAFT).exists():
            raise FrozenVersionError()
        return super().delete(*args, **kwargs)


class GuideMaterial(GuidePart):
    version = models.ForeignKey(ImplementationVersion, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField("材料名称", max_length=200)
    necessity = models.CharField(
        "必要性", max_length=20, choices=Necessity.choices, default=Necessity.REQUIRED
    )
    form = models.CharField(
        "材料形式", max_length=20, choices=MaterialForm.choices, default=MaterialForm.ORIGINAL
    )
    copies = models.PositiveSmallIntegerField("份数", default=1)
    source = models.CharField(
        "来源渠道", max_length=20, choices=MaterialSource.choices, default=MaterialSource.APPLICANT
    )
    license_type_code = models.CharField("可替代的电子证照类型代码", max_length=40, blank=True)
    license_type_name = models.CharField("可替代的电子证照", max_length=100, blank=True)
    blank_form = models.CharField("空白表格", max_length=200, blank=True)
    sample = models.CharField("示例样表", max_length=200, blank=True)
    acceptance_standard = models.TextField("受理标准", blank=True)
    note = models.CharField("备注", max_length=300, blank=True)

    class Meta(GuidePart.Meta):
        verbose_name = verbose_name_plural = "申请材料"

    def __str__(self) -> str:
        return self.name

    @property
    def replaceable_by_license(self) -> bool:
        return bool(self.license_type_code)


class GuideStep(GuidePart):
    """A stage of handling. Steps with the same `stage` run in parallel (多地联办); an empty
    organization means the implementing organization itself."""

    version = models.ForeignKey(ImplementationVersion, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField("环节名称", max_length=100)
    stage = models.PositiveSmallIntegerField("阶段", default=1)
    organization = models.ForeignKey(
        Organization,
        verbose_name="办理单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor = models.CharField("办理人员", max_length=100, blank=True)
    time_limit_days = models.PositiveSmallIntegerField("环节时限（工作日）", default=0)
    counts_in_limit = models.BooleanField("是否计算在法定办结时限内", default=True)
    is_special = models.BooleanField("特殊环节", default=False)
    description = models.TextField("办理标准", blank=True)

    class Meta(GuidePart.Meta):
        verbose_name = verbose_name_plural = "办理环节"

    def __str__(self) -> str:
        return self.name


class GuideFee(GuidePart):
    version = models.ForeignKey(ImplementationVersion, on_delete=models.CASCADE, related_name="fees")
    name = models.CharField("收费项目", max_length=100)
    standard = models.CharField("收费标准", max_length=200)
    basis = models.CharField("收费依据", max_length=300, blank=True)

    class Meta(GuidePart.Meta):
        verbose_name = verbose_name_plural = "收费"

    def __str__(self) -> str:
        return self.name


class GuideLocation(GuidePart):
    version = models.ForeignKey(ImplementationVersion, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField("办理地点", max_length=100)
    hall = models.ForeignKey(
        Hall, verbose_name="大厅", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField("地址", max_length=200)
    hours = models.CharField("办理时间", max_length=200)
    phone = models.CharField("电话", max_length=60, blank=True)

    class Meta(GuidePart.Meta):
        verbose_name = verbose_name_plural = "办理地点"

    def __str__(self) -> str:
        return self.name


class GuideFAQ(GuidePart):
    version = models.ForeignKey(ImplementationVersion, on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField("问题", max_length=300)
    answer = models.TextField("解答")

    class Meta(GuidePart.Meta):
        verbose_name = verbose_name_plural = "常见问题"

    def __str__(self) -> str:
        return self.question
