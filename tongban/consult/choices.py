"""The question board's vocabularies."""

from django.db import models


class QuestionStatus(models.TextChoices):
    """Where a question stands. Nothing is public before a moderator publishes it; a merged question
    lives on in the one it was merged into; a rejected one is kept with its reason."""

    PENDING = "pending", "待审核"
    PUBLISHED = "published", "已公开"
    REJECTED = "rejected", "未予公开"
    MERGED = "merged", "已合并"


class TriageFlag(models.TextChoices):
    """What triage found on arrival; each decision is kept with the rule that made it (`why`)."""

    JUNK = "junk", "疑似测试或无效内容"
    ABUSIVE = "abusive", "含不文明用语"
    PERSONAL_DATA = "personal_data", "含个人信息（公开时已遮盖）"
    DUPLICATE = "duplicate", "重复提问（已合并计数）"


# Flags that hold a question back: it waits in the moderation queue apart from the others.
HOLDING_FLAGS = frozenset({TriageFlag.JUNK, TriageFlag.ABUSIVE})


class TriageListKind(models.TextChoices):
    """The editable word lists of triage."""

    JUNK = "junk", "无效内容（测试帖等）"
    ABUSIVE = "abusive", "不文明用语"


class QuestionEventKind(models.TextChoices):
    ASKED = "asked", "提问"
    ASKED_AGAIN = "asked_again", "重复提问"
    HELD = "held", "自动暂缓公开"
    PUBLISHED = "published", "公开"
    REJECTED = "rejected", "不予公开"
    MERGED = "merged", "合并"
    EDITED = "edited", "修改公开文字"
    ROUTED = "routed", "转交部门"
    ANSWERED = "answered", "答复"
    ANSWER_REVISED = "answer_revised", "修改答复"
    REMINDED = "reminded", "提醒答复"
    ESCALATED = "escalated", "超期督办"
    RATED = "rated", "评价答复"
