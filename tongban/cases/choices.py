"""Enumerations of the cases app. Labels are what a citizen reads on the case page and in the timeline.

The mode of a case (全程网办 / 异地代收代办 / 多地联办) is `tongban.catalog.choices.Mode`: the catalog
offers it and the case records which one was used.
"""

from django.db import models


class CaseStatus(models.TextChoices):
    """Where a case stands (DESIGN.md, Cases: "Life of a case").

    `special_procedure` and `suspended` are two statuses, not one, so that the workflow table alone
    says which action ends each pause (结束特别程序 vs 恢复办理). The result of a decision is kept in
    `Decision`, not in the status, because it must stay readable after delivery and completion.
    """

    DRAFT = "draft", "草稿（未提交）"
    RECEIVED = "received", "窗口已收件，待转办理地"
    SUBMITTED = "submitted", "已提交，待受理"
    CORRECTION_REQUIRED = "correction_required", "待补正材料"
    ACCEPTED = "accepted", "已受理"
    IN_REVIEW = "in_review", "审查中"
    SPECIAL_PROCEDURE = "special_procedure", "特别程序中（不计入办理时限）"
    SUSPENDED = "suspended", "暂停办理（不计入办理时限）"
    DECIDED = "decided", "已作出决定"
    DELIVERING = "delivering", "结果送达中"
    COMPLETED = "completed", "已办结"
    NOT_ACCEPTED = "not_accepted", "不予受理"
    WITHDRAWN = "withdrawn", "已撤回"


class Decision(models.TextChoices):
    """The handling organization's decision (行政许可法 §38), kept on the case from `decided` onwards."""

    APPROVED = "approved", "准予办理"
    DENIED = "denied", "不予办理"


class Action(models.TextChoices):
    """What someone does to a case. Each is one row kind of the workflow table and one timeline event."""

    START_APPLICATION = "start_application", "开始网上申请"
    RECEIVE_AT_WINDOW = "receive_at_window", "窗口收件"
    FORWARD = "forward", "转送办理地"
    SUBMIT = "submit", "提交申请"
    ACCEPT = "accept", "受理"
    ACCEPT_WITH_DEFICIENCY = "accept_with_deficiency", "容缺受理"
    ISSUE_CORRECTION_NOTICE = "issue_correction_notice", "一次性告知补正"
    RESUBMIT = "resubmit", "补正后重新提交"
    REFUSE_ACCEPTANCE = "refuse_acceptance", "不予受理"
    DEEM_ACCEPTED = "deem_accepted", "逾期未告知，视为受理"
    START_REVIEW = "start_review", "开始审查"
    START_SPECIAL_PROCEDURE = "start_special_procedure", "启动特别程序"
    END_SPECIAL_PROCEDURE = "end_special_procedure", "结束特别程序"
    SUSPEND = "suspend", "挂起（暂停办理）"
    RESUME = "resume", "恢复办理"
    APPROVE = "approve", "作出准予办理决定"
    DENY = "deny", "作出不予办理决定"
    DELIVER = "deliver", "送达结果"
    COMPLETE = "complete", "确认送达，办结"
    WITHDRAW = "withdraw", "撤回申请"
    HAND_OVER = "hand_over", "移交（变更首问负责人）"


class Record(models.TextChoices):
    """Timeline events that move no status: kept on the case's own timeline, so that it shows who did what
    at each moment, but not rows of the workflow table (their own rules live with their services)."""

    STEP_FINISHED = "step_finished", "办理环节办结"
    MATERIAL_ADDED = "material_added", "补充申请材料"
    SHIPMENT_REGISTERED = "shipment_registered", "登记寄递"
    SHIPMENT_UPDATED = "shipment_updated", "寄递状态更新"


# What a timeline event may be: an action of the workflow table, or a record.
EVENT_KINDS = [*Action.choices, *Record.choices]


def event_kind_label(value: str) -> str:
    return (Action if value in Action.values else Record)(value).label


class DeliveryMethod(models.TextChoices):
    """How the result reaches the applicant (送达, 行政许可法 §44): by post, at the window that received the
    case, at the handling organization, or electronically (an e-license or an electronic document)."""

    POST = "post", "邮寄送达"
    WINDOW = "window", "到收件窗口领取"
    IN_PERSON = "in_person", "到办理单位领取"
    ELECTRONIC = "electronic", "电子送达（电子证照、电子文书）"


class Party(models.TextChoices):
    """In which capacity someone acts on a case.

    `applicant` includes an agent with a mandate and a staff helper (帮办代办员) acting at the
    applicant's request; the event then names both (DESIGN.md: 帮办代办). `receiving_clerk` is staff of
    the receiving organization (收件地), `handler` staff of the handling organization (办理地, 收受分离).
    """

    APPLICANT = "applicant", "申请人（含代理人、帮办代办员）"
    RECEIVING_CLERK = "receiving_clerk", "收件地窗口人员"
    HANDLER = "handler", "办理地审批人员"
    SUPERVISOR = "supervisor", "监督管理人员"
    SYSTEM = "system", "系统"


class ClockEffect(models.TextChoices):
    """What a transition does to the promised time limit (承诺办结时限), counted in working days from
    acceptance (行政许可法 §42, §82)."""

    START = "start", "开始计时"
    PAUSE = "pause", "暂停计时"
    RESUME = "resume", "恢复计时"
    STOP = "stop", "停止计时"
    NONE = "none", "不影响计时"


class StepStatus(models.TextChoices):
    """One organization's stage of handling (环节); in a 多地联办 case, one per organization."""

    PENDING = "pending", "等待前序环节"
    ACTIVE = "active", "办理中"
    PAUSED = "paused", "暂停（不计入环节时限）"
    DONE = "done", "已完成"
    OBJECTED = "objected", "不同意"
    CANCELLED = "cancelled", "已取消"


class StepAction(models.TextChoices):
    ACTIVATE = "activate", "开始办理环节"
    PAUSE = "pause", "暂停环节"
    RESUME = "resume", "恢复环节"
    AGREE = "agree", "环节办结（同意）"
    OBJECT = "object", "环节办结（不同意）"
    CANCEL = "cancel", "取消环节"
