"""A small board for the workbench's tests: two cities' departments, their staff by role, and questions made
straight as rows (each with its first asking), in whatever state a test starts from."""

import datetime as dt
import hashlib
import itertools
import secrets
from dataclasses import dataclass

from django.utils import timezone

from tongban.identity.access import Actor, actor_for
from tongban.identity.choices import Role
from tongban.identity.models import User
from tongban.identity.tests.factories import PersonFactory, StaffRoleFactory
from tongban.regions.models import Organization
from tongban.regions.tests.factories import CityFactory, DistrictFactory, OrganizationFactory

from ..choices import QuestionStatus
from ..models import Question, QuestionAsk
from ..services_common import deadline_refresh

_texts = itertools.count(1)


@dataclass
class Board:
    """武汉's 人社局 (in the city) and 江夏区's 医保局 answer; 鄂州's 人社局 is another city's."""

    wuhan_hr: Organization
    jiangxia_medical: Organization
    ezhou_hr: Organization
    moderator: User
    answerer: User  # a reviewer of 武汉's 人社局
    jiangxia_answerer: User
    ezhou_answerer: User
    wuhan_supervisor: User
    ezhou_supervisor: User
    citizen: User

    def actor(self, user: User) -> Actor:
        return actor_for(user)


def staff(role: str, organization: Organization) -> User:
    return StaffRoleFactory(role=role, organization=organization).user


def board_make() -> Board:
    wuhan = CityFactory(key="420100", code="420100", name="武汉市")
    jiangxia = DistrictFactory(key="420115", code="420115", name="江夏区", parent=wuhan)
    ezhou = CityFactory(key="420700", code="420700", name="鄂州市")
    wuhan_hr = OrganizationFactory(region=wuhan, name="武汉市人力资源和社会保障局", short_name="武汉市人社局")
    jiangxia_medical = OrganizationFactory(region=jiangxia, name="江夏区医疗保障局")
    ezhou_hr = OrganizationFactory(region=ezhou, name="鄂州市人力资源和社会保障局")
    platform = OrganizationFactory(region=wuhan, name="武汉市政务服务和大数据管理局")
    return Board(
        wuhan_hr=wuhan_hr,
        jiangxia_medical=jiangxia_medical,
        ezhou_hr=ezhou_hr,
        moderator=staff(Role.QUESTION_MODERATOR, platform),
        answerer=staff(Role.REVIEWER, wuhan_hr),
        jiangxia_answerer=staff(Role.HELPER, jiangxia_medical),
        ezhou_answerer=staff(Role.REVIEWER, ezhou_hr),
        wuhan_supervisor=staff(Role.SUPERVISOR, platform),
        ezhou_supervisor=staff(Role.SUPERVISOR, OrganizationFactory(region=ezhou)),
        citizen=PersonFactory().user,
    )


def question_make(
    text: str = "",
    *,
    status: str = QuestionStatus.PENDING,
    name: str = "王先生",
    contact: str = "",
    asks: int = 1,
    **fields,
) -> Question:
    """A question as triage leaves it (or in `status`), with `asks` askings of its text."""
    text = text or f"在武汉缴纳的社保转到鄂州后怎么查询缴费年限？（{next(_texts)}）"
    question = Question.objects.create(
        text=text,
        name=name,
        contact=contact,
        status=status,
        normalized=text,
        fingerprint=hashlib.sha256(text.encode()).hexdigest(),
        asks=asks,
        published_at=timezone.now() if status == QuestionStatus.PUBLISHED else None,
        **fields,
    )
    for _ in range(asks):
        QuestionAsk.objects.create(
            question=question,
            text=text,
            name=name,
            contact=contact,
            follow_token_hash=hashlib.sha256(secrets.token_bytes(16)).hexdigest(),
        )
    return question


def routed_make(
    department: Organization,
    *,
    routed_on: dt.date | None = None,
    limit_days: int = 10,
    status: str = QuestionStatus.PUBLISHED,
    **fields,
) -> Question:
    """A question routed to `department` on `routed_on` (today by default), its light as of today."""
    question = question_make(
        status=status,
        department=department,
        routed_on=routed_on or timezone.localdate(),
        limit_days=limit_days,
        **fields,
    )
    deadline_refresh(question, timezone.localdate())
    question.save()
    return question
