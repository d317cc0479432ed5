"""API shapes of the question board. Public shapes carry only what the public pages show: the public wording
and name (personal data masked), never the contact or the name as typed; answers with ID and mobile numbers
masked. Staff shapes add the private side for those who may see it (moderators, the department)."""

from datetime import date, datetime

from ninja import Field, Schema

from tongban.cases.deadlines import LightColour
from tongban.catalog.choices import Theme
from tongban.core.masking import mask_text
from tongban.regions.schemas import choice_of

from .choices import QuestionStatus
from .models import Question
from .triage import public_name, public_text


class CaptchaOut(Schema):
    key: str = Field(description="验证码标识（提问时原样提交）")
    image_url: str = Field(description="验证码图片地址")


class AskIn(Schema):
    text: str = Field(max_length=2000, description="问题内容（5至1000字）")
    name: str = Field("", max_length=100, description="称呼（可不填；含手机号等个人信息时公开为“匿名网友”）")
    anonymous: bool = Field(False, description="匿名提问")
    contact: str = Field("", max_length=200, description="联系方式（仅供工作人员联系您，不会公开）")
    topic: str = Field("", max_length=30, description="主题（可不填）")
    captcha_key: str = Field(max_length=100, description="验证码标识")
    captcha_value: str = Field(max_length=20, description="验证码")


class AskedOut(Schema):
    merged: bool = Field(description="已有相同提问，本次提问已合并计数")
    follow_token: str = Field(description="您的私人查看链接的令牌（只显示这一次，请妥善保存）")
    follow_url: str
    status: str = Field(description="待审核：审核通过后公开")


def _department(obj: Question) -> str:
    return obj.department.name if obj.department_id else ""


class QuestionPublicOut(Schema):
    public_id: str
    text: str = Field(description="公开文字（个人信息已遮盖）")
    name: str = Field(description="提问人（个人信息已遮盖）")
    topic: choice_of(Theme) | None
    department: str
    asks: int = Field(description="同类提问次数")
    asked_at: datetime
    published_at: datetime | None
    answered: bool = Field(description="已答复（有答复内容）")
    answered_at: datetime | None
    due_on: date | None = Field(description="答复期限（待答复时）")

    @staticmethod
    def resolve_text(obj: Question) -> str:
        return public_text(obj)

    @staticmethod
    def resolve_name(obj: Question) -> str:
        return public_name(obj)

    @staticmethod
    def resolve_topic(obj: Question):
        return obj.topic or None

    @staticmethod
    def resolve_department(obj: Question) -> str:
        return _department(obj)

    @staticmethod
    def resolve_asked_at(obj: Question) -> datetime:
        return obj.created_at

    @staticmethod
    def resolve_answered(obj: Question) -> bool:
        has = getattr(obj, "has_answer", None)
        return bool(has) if has is not None else obj.answers.exists()

    @staticmethod
    def resolve_answered_at(obj: Question) -> datetime | None:
        return obj.answered_at if QuestionPublicOut.resolve_answered(obj) else None

    @staticmethod
    def resolve_due_on(obj: Question) -> date | None:
        return None if QuestionPublicOut.resolve_answered(obj) else obj.due_on


class AnswerOut(Schema):
    text: str
    department: str
    answered_at: datetime = Field(description="首次答复时间")
    revised_at: datetime | None = Field(description="最近一次修改时间（未修改为空）")


class RatingOut(Schema):
    count: int
    average: float | None


class QuestionPageOut(QuestionPublicOut):
    answer: AnswerOut | None = Field(description="现行答复（修改过的注明修改时间）")
    rating: RatingOut = Field(description="提问人的评价汇总（评价意见不公开）")

    @staticmethod
    def resolve_answer(obj: Question) -> dict | None:
        from .selectors import answer_current

        return answer_out(answer_current(obj))

    @staticmethod
    def resolve_rating(obj: Question) -> dict:
        from .selectors import rating_summary

        summary = rating_summary(obj)
        return {"count": summary.count, "average": summary.average}


def answer_out(current) -> dict | None:
    if current is None:
        return None
    answer = current.answer
    return {
        "text": mask_text(answer.text),
        "department": answer.organization.name,
        "answered_at": current.first_at,
        "revised_at": answer.created_at if current.revised else None,
    }


class FollowOut(Schema):
    """The asker's own view through the private link."""

    my_text: str = Field(description="我的提问（个人信息已遮盖）")
    status: choice_of(QuestionStatus)
    merged_into: str | None = Field(description="合并到的提问编号（已公开时）")
    rejected_reason: str
    public_id: str | None = Field(description="已公开时的提问编号")
    answer: AnswerOut | None
    my_rating: int | None
    my_rating_comment: str


class RatingIn(Schema):
    rating: int = Field(description="评价（1至5分）")
    comment: str = Field("", max_length=1000, description="评价意见（选填，不公开）")


# --- Staff -----------------------------------------------------------------------------------------


class FlagOut(Schema):
    flag: str
    label: str
    why: str


class QuestionStaffOut(Schema):
    """A question as moderators and the department see it: the original and the personal data too."""

    public_id: str
    status: choice_of(QuestionStatus)
    held: bool
    text: str = Field(description="提问原文")
    public_text: str = Field(description="公开文字（个人信息已遮盖）")
    name: str = Field(description="称呼（原文）")
    anonymous: bool
    contact: str
    topic: str
    asks: int
    flags: list[FlagOut]
    department: str
    department_id: int | None
    routed_on: date | None
    due_on: date | None
    light: choice_of(LightColour) | None
    merged_into: str | None
    rejected_reason: str
    answered_at: datetime | None
    version: int
    created_at: datetime

    @staticmethod
    def resolve_public_text(obj: Question) -> str:
        return public_text(obj)

    @staticmethod
    def resolve_flags(obj: Question) -> list[dict]:
        from .selectors_workbench import question_flags

        return question_flags(obj)

    @staticmethod
    def resolve_department(obj: Question) -> str:
        return _department(obj)

    @staticmethod
    def resolve_light(obj: Question):
        return obj.light or None

    @staticmethod
    def resolve_merged_into(obj: Question) -> str | None:
        return obj.merged_into.public_id if obj.merged_into_id else None


class VersionIn(Schema):
    expected_version: int | None = Field(None, description="页面读取时的版本（过期则返回409）")


class PublishIn(VersionIn):
    department_id: int | None = Field(None, description="答复部门（尚未转交时必填）")


class RouteIn(VersionIn):
    department_id: int = Field(description="答复部门")


class RejectIn(VersionIn):
    reason: str = Field(max_length=1000, description="不予公开的理由")


class MergeIn(VersionIn):
    into: str = Field(max_length=20, description="合并到的提问编号")


class EditIn(VersionIn):
    public_text: str = Field(max_length=3000, description="公开文字")
    reason: str = Field("", max_length=1000, description="修改原因")


class AnswerIn(VersionIn):
    text: str = Field(max_length=10000, description="答复内容")


class ReviseIn(AnswerIn):
    reason: str = Field(max_length=1000, description="修改原因")


class SuggestionOut(Schema):
    department_id: int
    department: str
    why: str


class DepartmentStatsOut(Schema):
    department: str
    routed: int
    answered_on_time: int
    answered_late: int
    overdue: int
    average_working_days: float | None


class StatsOut(Schema):
    start: date
    end: date
    askings: int
    questions: int
    held: int
    held_by_reason: dict[str, int]
    published: int
    rejected: int
    merged: int
    answered_on_time: int
    answered_late: int
    overdue: int
    average_working_days: float | None
    departments: list[DepartmentStatsOut]
