"""The case (办件) and what hangs off it: the timeline, steps, materials, correction notices, special
procedures, shipments, and the per-city day counter that numbers cases.

Statuses move only through `services.case_act`, which looks every move up in workflow.TABLE; nothing
here changes a status. Events are never deleted or changed (`CaseEvent.delete`/`save` refuse).

Concurrency: `case_act` locks the case row (SELECT … FOR UPDATE) and re-reads its status under the
lock, so of two acts on one case the second sees the first's result and is refused by the table (409).
`version` counts the changes; a form or API client that sends the version it saw gets a conflict when
the case moved in between (a stale page), even when the same action would still be allowed.

Deadline fields are facts (clock start, pauses, stop) and what deadlines.py computed from them at the
last change (due date, light, and the days the light turns yellow and red, for the sweep).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from tongban.catalog.choices import CaseType, Mode
from tongban.catalog.models import GuideMaterial, ImplementationVersion, ServiceItem
from tongban.core.choices import Channel
from tongban.identity.models import Mandate
from tongban.regions.models import Organization, Region, Window

from .choices import EVENT_KINDS, CaseStatus, Decision, Party, StepStatus

DECIDED_STATUSES = (CaseStatus.DECIDED, CaseStatus.DELIVERING, CaseStatus.COMPLETED)


class Light(models.TextChoices):
    """红黄牌: how close a running deadline is (computed by deadlines.py)."""

    GREEN = "green", "绿牌（正常）"
    YELLOW = "yellow", "黄牌（临近时限）"
    RED = "red", "红牌（已超时限）"


class CaseNumberCounter(models.Model):
    """The last serial a city gave out on a day; incremented under a row lock in the case's transaction."""

    city = models.ForeignKey(Region, verbose_name="城市", on_delete=models.PROTECT, related_name="+")
    day = models.DateField("日期")
    last = models.PositiveIntegerField("已用流水号", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "办件编号计数"
        constraints = [models.UniqueConstraint(fields=["city", "day"], name="case_counter_city_day")]

    def __str__(self) -> str:
        return f"{self.city_id} {self.day} {self.last}"


class Case(models.Model):
    number = models.CharField("办件编号", max_length=16, unique=True)
    implementation_version = models.ForeignKey(
        ImplementationVersion, verbose_name="办事指南版本", on_delete=models.PROTECT, related_name="+"
    )
    service_item = models.ForeignKey(
        ServiceItem, verbose_name="事项", on_delete=models.PROTECT, related_name="cases"
    )
    mode = models.CharField("办理模式", max_length=10, choices=Mode.choices)
    status = models.CharField("状态", max_length=30, choices=CaseStatus.choices)
    decision = models.CharField("决定", max_length=10, choices=Decision.choices, blank=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="cases"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="代理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_as_agent",
    )
    mandate = models.ForeignKey(
        Mandate, verbose_name="委托书", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField("申请渠道", max_length=10, choices=Channel.choices)
    receiving_org = models.ForeignKey(
        Organization, verbose_name="收件单位", on_delete=models.PROTECT, related_name="cases_received"
    )
    receiving_window = models.ForeignKey(
        Window, verbose_name="收件窗口", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handling_org = models.ForeignKey(
        Organization, verbose_name="办理单位", on_delete=models.PROTECT, related_name="cases_handled"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="首问负责人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_owned",
    )
    form_data = models.JSONField("申请表内容", default=dict, blank=True)
    idempotency_key = models.CharField("幂等键", max_length=100, blank=True)
    consent_at = models.DateTimeField("签署服务同意书时间", null=True, blank=True)
    # Receipt of materials: §32's five working days for a correction notice run from the last one.
    received_at = models.DateTimeField("最近收到申请材料时间", null=True, blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结或终止时间", null=True, blank=True)
    # The time limit (copied from the guide version at creation; computed by deadlines.py).
    case_type = models.CharField("办件类型", max_length=20, choices=CaseType.choices)
    promised_days = models.PositiveSmallIntegerField("承诺办结时限（工作日）")
    statutory_days = models.PositiveSmallIntegerField("法定办结时限（工作日）")
    clock_started_on = models.DateField("计时起始日", null=True, blank=True)
    paused_since = models.DateField("暂停计时起始日", null=True, blank=True)
    pause_expected_days = models.PositiveSmallIntegerField("本次暂停预计工作日", null=True, blank=True)
    paused_days = models.PositiveIntegerField("已暂停工作日数", default=0)
    clock_stopped_on = models.DateField("停止计时日", null=True, blank=True)
    due_on = models.DateField("办结期限", null=True, blank=True)
    due_provisional = models.BooleanField("期限待定（节假日未公布）", default=False)
    light = models.CharField("红黄牌", max_length=10, choices=Light.choices, blank=True)
    yellow_on = models.DateField("转黄牌日", null=True, blank=True)
    red_on = models.DateField("转红牌日", null=True, blank=True)
    result_license = models.ForeignKey(
        "licenses.License",
        verbose_name="结果电子证照",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    version = models.PositiveIntegerField("修改次数", default=1)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "办件"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["applicant", "-created_at"], name="case_applicant_idx"),
            # Newest first, for lists of many cases (a busy organization's): read in order until a page
            # is full instead of sorting all of them (bench/cases.py: 240 ms → 1 ms at 1,000,000 cases).
            models.Index(fields=["-created_at", "-id"], name="case_created_idx"),
            models.Index(fields=["handling_org", "status"], name="case_handling_status_idx"),
            models.Index(fields=["receiving_org", "status"], name="case_receiving_status_idx"),
            models.Index(fields=["status", "due_on"], name="case_status_due_idx"),
            models.Index(fields=["yellow_on"], name="case_yellow_on_idx"),
            models.Index(fields=["red_on"], name="case_red_on_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="case_idempotency_per_applicant",
            ),
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="case_status_valid"),
            models.CheckConstraint(condition=Q(mode__in=Mode.values), name="case_mode_valid"),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decision__in=Decision.values, status__in=DECIDED_STATUSES),
                name="case_decision_only_when_decided",
            ),
            models.CheckConstraint(
                condition=Q(mandate__isnull=True) | Q(agent__isnull=False), name="case_mandate_has_agent"
            ),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.RECEIVED) | Q(consent_at__isnull=False),
                name="case_window_receipt_has_consent",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number_display(self) -> str:
        return " ".join(self.number[i : i + 4] for i in range(0, len(self.number), 4))


class CaseEvent(models.Model):
    """One line of the timeline: who did what, when, from where, for whom, why. Never changed or deleted."""

    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField("序号")
    action = models.CharField("操作", max_length=40, choices=EVENT_KINDS)
    from_status = models.CharField("原状态", max_length=30, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=30, choices=CaseStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField("操作人名称", max_length=200)
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="代为办理的申请人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    on_behalf_of_label = models.CharField("代为办理的申请人名称", max_length=200, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name="操作单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    party = models.CharField("身份", max_length=20, choices=Party.choices)
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    ip = models.GenericIPAddressField("IP地址", null=True, blank=True)
    owner_after = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="此后负责人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField("理由", blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = verbose_name_plural = "办件流转记录"
        ordering = ["case_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("case events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("case events are never deleted")


class CaseStep(models.Model):
    """One organization's stage of handling (环节); see step_workflow.py."""

    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.PROTECT, related_name="steps")
    position = models.PositiveSmallIntegerField("序号")
    organization = models.ForeignKey(
        Organization, verbose_name="办理单位", on_delete=models.PROTECT, related_name="case_steps"
    )
    name = models.CharField("环节名称", max_length=200)
    stage = models.PositiveSmallIntegerField("阶段", default=1)
    status = models.CharField("状态", max_length=20, choices=StepStatus.choices, default=StepStatus.PENDING)
    time_limit_days = models.PositiveSmallIntegerField("环节时限（工作日）", default=0)
    started_on = models.DateField("开始日", null=True, blank=True)
    paused_since = models.DateField("暂停起始日", null=True, blank=True)
    paused_days = models.PositiveIntegerField("已暂停工作日数", default=0)
    due_on = models.DateField("环节期限", null=True, blank=True)
    due_provisional = models.BooleanField("期限待定", default=False)
    light = models.CharField("红黄牌", max_length=10, choices=Light.choices, blank=True)
    yellow_on = models.DateField("转黄牌日", null=True, blank=True)
    red_on = models.DateField("转红牌日", null=True, blank=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opinion = models.TextField("办理意见", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "办理环节"
        ordering = ["case_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "position"], name="case_step_position"),
            models.CheckConstraint(condition=Q(status__in=StepStatus.values), name="case_step_status_valid"),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="case_step_org_status_idx")]

    def __str__(self) -> str:
        return self.name


class MaterialKind(models.TextChoices):
    UPLOAD = "upload", "上传文件"
    LICENSE = "license", "电子证照"
    DEFICIENCY = "deficiency", "容缺（承诺后补）"
    PAPER = "paper", "纸质原件"


class CaseMaterial(models.Model):
    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.PROTECT, related_name="materials")
    guide_material = models.ForeignKey(
        GuideMaterial,
        verbose_name="指南材料",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField("材料名称", max_length=200)
    kind = models.CharField("提交方式", max_length=20, choices=MaterialKind.choices)
    file = models.FileField("文件", upload_to="cases/%Y/%m/", blank=True)
    content_type = models.CharField("文件类型", max_length=100, blank=True)
    size = models.PositiveBigIntegerField("文件大小（字节）", default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    license_reference = models.CharField("电子证照编号", max_length=100, blank=True)
    # 免证明: a license of the applicant's wallet, verified when attached, shared with their consent.
    license = models.ForeignKey(
        "licenses.License",
        verbose_name="电子证照",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_materials",
    )
    consented_at = models.DateTimeField("同意共享时间", null=True, blank=True)
    promised_on = models.DateField("承诺补交日期", null=True, blank=True)
    fulfilled_at = models.DateTimeField("补交时间", null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "办件材料"
        ordering = ["case_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=MaterialKind.DEFICIENCY) | Q(promised_on__isnull=False),
                name="case_material_deficiency_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(kind=MaterialKind.UPLOAD) | ~Q(sha256=""), name="case_material_upload_has_hash"
            ),
            models.CheckConstraint(
                condition=~Q(kind=MaterialKind.LICENSE) | ~Q(license_reference=""),
                name="case_material_license_has_reference",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CorrectionNotice(models.Model):
    """一次性告知书: every defect at once. A second one is a recorded fault and says why."""

    case = models.ForeignKey(
        Case, verbose_name="办件", on_delete=models.PROTECT, related_name="correction_notices"
    )
    number = models.PositiveSmallIntegerField("第几次告知")
    items = models.JSONField("需要补正的全部内容", default=list)
    is_second = models.BooleanField("再次告知", default=False)
    why_not_first = models.TextField("首次未能一并告知的原因", blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="告知人", on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField("告知时间")
    answered_at = models.DateTimeField("补正时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "补正告知书"
        ordering = ["case_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="correction_notice_number"),
            models.CheckConstraint(
                condition=Q(is_second=False) | ~Q(why_not_first=""), name="correction_notice_second_says_why"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} 第{self.number}次告知"


class ProcedureKind(models.TextChoices):
    HEARING = "hearing", "听证"
    INSPECTION = "inspection", "检验"
    TESTING = "testing", "检测"
    QUARANTINE = "quarantine", "检疫"
    APPRAISAL = "appraisal", "鉴定"
    EXPERT_REVIEW = "expert_review", "专家评审"
    PUBLIC_NOTICE = "public_notice", "公示"
    OTHER = "other", "其他"


class SpecialProcedure(models.Model):
    """行政许可法 §45: time that does not count towards the limit; the applicant is told how long."""

    case = models.ForeignKey(
        Case, verbose_name="办件", on_delete=models.PROTECT, related_name="special_procedures"
    )
    kind = models.CharField("种类", max_length=20, choices=ProcedureKind.choices)
    description = models.CharField("说明", max_length=300, blank=True)
    expected_days = models.PositiveSmallIntegerField("预计所需工作日")
    started_at = models.DateTimeField("开始时间")
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="启动人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "特别程序"
        ordering = ["case_id", "started_at"]
        constraints = [
            models.CheckConstraint(condition=Q(expected_days__gte=1), name="special_procedure_days_positive")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class ShipmentPurpose(models.TextChoices):
    MATERIALS_TO_HANDLER = "materials_to_handler", "申请材料寄往办理地"
    ORIGINALS_TO_ARCHIVE = "originals_to_archive", "原件寄往归档"
    RESULT_TO_APPLICANT = "result_to_applicant", "办理结果寄给申请人"
    RESULT_TO_WINDOW = "result_to_window", "办理结果寄往收件窗口"


class ShipmentStatus(models.TextChoices):
    CREATED = "created", "已登记"
    IN_TRANSIT = "in_transit", "运输中"
    DELIVERED = "delivered", "已签收"
    RETURNED = "returned", "已退回"


class Shipment(models.Model):
    """寄递: one parcel of a case, with its carrier's events (a JSON list of {at, status, text})."""

    case = models.ForeignKey(Case, verbose_name="办件", on_delete=models.PROTECT, related_name="shipments")
    purpose = models.CharField("用途", max_length=30, choices=ShipmentPurpose.choices)
    carrier = models.CharField("寄递企业", max_length=60)
    tracking_number = models.CharField("运单号", max_length=60)
    status = models.CharField(
        "状态", max_length=20, choices=ShipmentStatus.choices, default=ShipmentStatus.CREATED
    )
    events = models.JSONField("物流记录", default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "寄递"
        ordering = ["case_id", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["carrier", "tracking_number"], name="shipment_tracking_unique")
        ]
        indexes = [models.Index(fields=["status"], name="shipment_status_idx")]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}"


class PeriodicRun(models.Model):
    """When a periodic task was last enqueued (schedule.py): the worker that moves `last_at` on with a
    conditional UPDATE enqueues it, so several workers never enqueue it twice in one period."""

    name = models.CharField("任务", max_length=100, unique=True)
    last_at = models.DateTimeField("最近一次加入队列时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "定时任务"

    def __str__(self) -> str:
        return self.name
