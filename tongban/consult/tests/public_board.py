"""Questions for the public board's tests, made directly as rows (the asking and moderation services have
their own tests); `answer_add` adds a revision as the answering service would."""

import hashlib
import secrets

from django.utils import timezone

from tongban.identity.tests.factories import StaffRoleFactory
from tongban.regions.tests.factories import OrganizationFactory

from ..choices import QuestionStatus
from ..models import Answer, Question, QuestionAsk


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def question_make(
    text: str = "在武汉缴纳的社保，转到鄂州后怎么查询缴费年限？",
    *,
    status: str = QuestionStatus.PUBLISHED,
    name: str = "王先生",
    department=None,
    **fields,
) -> Question:
    now = timezone.now()
    question = Question.objects.create(
        text=text,
        name=name,
        status=status,
        normalized=text,
        fingerprint=hashlib.sha256(text.encode()).hexdigest(),
        department=department,
        published_at=now if status == QuestionStatus.PUBLISHED else None,
        **fields,
    )
    return question


def asking_make(question: Question, *, token: str | None = None, **fields) -> tuple[QuestionAsk, str]:
    """An asking of the question with its follow token (returned in clear, as the asker got it)."""
    token = token or secrets.token_urlsafe(24)
    asking = QuestionAsk.objects.create(
        question=question,
        text=fields.pop("text", question.text),
        name=fields.pop("name", question.name),
        follow_token_hash=token_hash(token),
        **fields,
    )
    return asking, token


def answer_add(
    question: Question, text: str = "可登录湖北政务服务网查询缴费年限。", *, reason: str = ""
) -> Answer:
    organization = question.department or OrganizationFactory()
    author = StaffRoleFactory(organization=organization).user
    revision = question.answers.count() + 1
    answer = Answer.objects.create(
        question=question,
        revision=revision,
        text=text,
        organization=organization,
        author=author,
        reason=reason,
    )
    if question.answered_at is None:
        question.answered_at = answer.created_at
        question.save(update_fields=["answered_at"])
    return answer
