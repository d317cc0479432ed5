"""Revealing one personal value in clear (DESIGN.md: masked everywhere unless a permitted role reveals it,
and each reveal is audited).

Who may: the person themself, a clerk, helper or reviewer who identified the person with an identity
code within the last 30 minutes, a platform administrator (rules.py, "person.reveal"). The audit entry
names the field and the reason, never the value.
"""

from typing import Literal

from django.db import transaction

from tongban.core.audit import AuditObject, audit_record
from tongban.core.errors import ValidationFailed

from .. import access
from ..access import Actor
from ..models import Person

RevealableField = Literal["id_number", "phone"]
FIELD_LABELS = {"id_number": "公民身份号码", "phone": "手机号码"}


def person_reveal(*, person: Person, field: RevealableField, by: Actor, reason: str) -> str:
    """The clear value of a person's ID or phone number, for an actor the rules allow; audited."""
    if field not in FIELD_LABELS:
        raise ValidationFailed.on("field", "要显示的信息只能是公民身份号码或手机号码。")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed.on("reason", "请填写查看完整信息的事由。")
    if len(reason) > 100:
        raise ValidationFailed.on("reason", "查看事由不能超过 100 个字。")
    access.require(by, "person.reveal", person)
    with transaction.atomic():
        audit_record(
            action="person.revealed",
            context=by.audit_context(),
            obj=AuditObject.of(person),
            detail={"field": field, "reason": reason},
        )
    return getattr(person, field)
