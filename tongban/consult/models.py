"""The question board's data.

A `Question` is what the public may one day see: its first asking's text (kept as asked), the wording a
moderator made public (`public_text`, the original kept), the asker's name and contact (private: the
contact is encrypted and never shown; the name is masked in public when it holds personal data), the
triage decisions with their reasons (`flags`), how many times it was asked (`asks`: every asking is a
`QuestionAsk` row, merged ones too, each with its asker's private follow link and rating), the department
it was routed to and its answer deadline in working days with the light, and the answers (every revision
kept). What happened to it is a
`QuestionEvent` each. The triage rules are data: `TriageWord` lists and the `TriageThresholds` row.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tongban.cases.deadlines import LightColour
from tongban.catalog.choices import Theme
from tongban.core.fields import EncryptedTextField

from .choices import QuestionEventKind, QuestionStatus, TriageListKind


def new_public_id() -> str:
    """The question's address on the public board: random, so held questions cannot be counted or found."""
    return secrets.token_hex(5)


class TriageWord(models.Model):
    """One entry of an editable triage list: a phrase that marks a post as junk (a test post) or as
    abusive. `whole`: the phrase must be the whole post (after spaces and punctuation are removed), as
    for "测试" or "123", rather than appear anywhere in it."""

    kind = models.CharField("清单", max_length=20, choices=TriageListKind.choices)
    phrase = models.CharField("词语", max_length=50)
    whole = models.BooleanField(
        "须为全文", default=False, help_text="勾选后，仅当整条内容就是该词语时才命中。"
    )
    note = models.CharField("说明", max_length=200, blank=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "提问分拣词语"
        ordering = ["kind", "phrase"]
        constraints = [models.UniqueConstraint(fields=["kind", "phrase"], name="triage_word_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.phrase}"


class TriageThresholds(models.Model):
    """The thresholds of triage, one row (pk 1), editable in the admin."""

    near_duplicate_percent = models.PositiveSmallIntegerField(
        "近似重复相似度（%）",
        default=85,
        validators=[MinValueValidator(50), MaxValueValidator(100)],
        help_text="与已有提问的文字相似度达到该值即合并为同一提问并计数。",
    )
    duplicate_days = models.PositiveSmallIntegerField(
        "查重范围（天）",
        default=180,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text="只与这段时间内的提问比较。",
    )
    min_chars = models.PositiveSmallIntegerField(
        "最少有效字数",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="去掉空格、标点和重复字符后少于该字数的提问视为无效内容。",
    )

    class Meta:
        verbose_name = verbose_name_plural = "提问分拣阈值"

    def __str__(self) -> str:
        return "提问分拣阈值"

    @classmethod
    def current(cls) -> "TriageThresholds":
        return cls.objects.get_or_create(pk=1)[0]


class Question(models.Model):
    public_id = models.CharField("编号", max_length=20, unique=True, default=new_public_id, editable=False)
    status = models.CharField(
        "状态", max_length=20, choices=QuestionStatus.choices, default=QuestionStatus.PENDING, db_index=True
    )
    text = models.TextField("提问原文")
    public_text = models.TextField("公开文字", blank=True, help_text="审核人员修改后的公开文字；原文保留。")
    name = models.CharField("称呼（原文）", max_length=50, blank=True)
    anonymous = models.BooleanField("匿名", default=False)
    contact = EncryptedTextField("联系方式", blank=True)
    topic = models.CharField("主题", max_length=30, choices=Theme.choices, blank=True)
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提问账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
    )
    normalized = models.TextField("比对文字", editable=False)
    fingerprint = models.CharField("指纹", max_length=64, db_index=True, editable=False)
    asks = models.PositiveIntegerField("提问次数", default=1)
    flags = models.JSONField("分拣结果", default=list, blank=True)
    held = models.BooleanField("自动暂缓", default=False, db_index=True)
    merged_into = models.ForeignKey(
        "self", verbose_name="合并到", null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    department = models.ForeignKey(
        "regions.Organization",
        verbose_name="答复部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="questions",
    )
    routed_on = models.DateField("转交日期", null=True, blank=True)
    limit_days = models.PositiveSmallIntegerField("答复时限（工作日）", default=10)
    due_on = models.DateField("答复期限", null=True, blank=True)
    due_provisional = models.BooleanField("期限为暂定", default=False)
    light = models.CharField("红黄牌", max_length=10, choices=LightColour.choices, blank=True, db_index=True)
    light_changed_on = models.DateField("亮牌日期", null=True, blank=True)
    escalated_at = models.DateTimeField("督办时间", null=True, blank=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    rejected_reason = models.CharField("不予公开理由", max_length=500, blank=True)
    answered_at = models.DateTimeField("首次答复时间", null=True, blank=True)
    created_at = models.DateTimeField("提问时间", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = verbose_name_plural = "提问"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-answered_at"], name="question_public_idx"),
            models.Index(fields=["department", "status"], name="question_department_idx"),
        ]

    def __str__(self) -> str:
        return f"提问 {self.public_id}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class QuestionAsk(models.Model):
    """One asking: the first, and every repeat merged into the question (so the count has its evidence)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="askings")
    text = models.TextField("提问原文")
    name = models.CharField("称呼（原文）", max_length=50, blank=True)
    contact = EncryptedTextField("联系方式", blank=True)
    asker = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    similarity = models.PositiveSmallIntegerField("与该提问的相似度（%）", default=100)
    # The asker's private link (/questions/follow/<token>/): only its SHA-256 is kept.
    follow_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    rating = models.PositiveSmallIntegerField(
        "评价", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.CharField("评价意见", max_length=500, blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)
    created_at = models.DateTimeField("提问时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "提问记录"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.question}的提问记录"


class Answer(models.Model):
    """One revision of a question's answer; the newest is the answer, the others its history."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    revision = models.PositiveSmallIntegerField("版本")
    text = models.TextField("答复内容")
    organization = models.ForeignKey(
        "regions.Organization", verbose_name="答复部门", on_delete=models.PROTECT
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="答复人", on_delete=models.PROTECT)
    reason = models.CharField("修改原因", max_length=500, blank=True)
    created_at = models.DateTimeField("答复时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "答复"
        ordering = ["question", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["question", "revision"], name="answer_revision_unique"),
            models.CheckConstraint(condition=~models.Q(text=""), name="answer_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.question}的答复（第{self.revision}版）"


class QuestionEvent(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事项", max_length=20, choices=QuestionEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_label = models.CharField("操作人", max_length=100)
    reason = models.TextField("说明", blank=True)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "提问记录事项"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.question}：{self.get_kind_display()}"
