"""委托代办: an applicant authorizes a registered person to act for them, for every item or a list of items
(basic codes of the catalog), from a start date to an expiry date, until revoked.

The principal is always the actor's own account: a person, a company account, or an operator acting for
the company (then the company). The agent is named by real name and resident ID number, and must be a
registered person whose name matches; "not registered" and "name does not match" give the same answer,
so that the form does not tell anyone who is registered here.

A mandate runs at most one year (MAX_TERM): expires_on is at most the same calendar day a year after
starts_on (29 February → 28 February). Both dates are inclusive; a mandate starts today at the earliest
and must end after the day it starts.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from tongban.core.audit import AuditObject, audit_record
from tongban.core.dates import years_after
from tongban.core.errors import Conflict, FieldError, ValidationFailed

from .. import access
from ..access import ActionRefused, Actor
from ..models import Mandate, Person
from ..selectors.accounts import person_matching
from ..selectors.mandates import item_names, mandate_principal_for

MAX_ITEMS = 50
# The form takes name/ID pairs: pages and API share one limit per account, so it is no register lookup.
CREATE_RATE, CREATE_RATE_GROUP = "20/h", "mandate.create"
NOTE_LENGTH = Mandate._meta.get_field("note").max_length

AGENT_UNKNOWN = (
    "未找到姓名与公民身份号码相符的已注册个人用户。请核对受托人的姓名和身份号码，或请受托人先注册。"
)
AGENT_ID_INVALID = "受托人公民身份号码不正确：应为18位，含出生日期和校验位（最后一位可能是X），请核对。"
AGENT_SELF = "不能委托自己为受托人。"
SUBDELEGATION = "受托人不能以委托人的名义再委托他人。"


def one_year_after(day: date) -> date:
    return years_after(day, 1)


@transaction.atomic
def mandate_create(
    *,
    by: Actor,
    agent_name: str,
    agent_id_number: str,
    all_items: bool,
    item_codes: list[str],
    starts_on: date,
    expires_on: date,
    note: str = "",
) -> Mandate:
    access.require(by, "mandate.create")
    principal = mandate_principal_for(by)
    if principal is None:
        raise ActionRefused("mandate.create", message=SUBDELEGATION)
    errors: list[FieldError] = []
    agent = _agent(agent_name, agent_id_number, errors)
    if agent is not None and agent.user_id in {principal.pk, by.user_id}:
        errors.append(FieldError("agent_id_number", AGENT_SELF))
    codes = _item_codes(all_items, item_codes, errors)
    _check_term(starts_on, expires_on, errors)
    note = (note or "").strip()
    if len(note) > NOTE_LENGTH:
        errors.append(FieldError("note", f"说明不能超过{NOTE_LENGTH}个字。"))
    if errors:
        raise ValidationFailed(message=errors[0].message, errors=errors)
    mandate = Mandate.objects.create(
        principal=principal,
        agent=agent,
        all_items=all_items,
        item_codes=codes,
        starts_on=starts_on,
        expires_on=expires_on,
        note=note,
    )
    audit_record(
        action="mandate.created",
        context=by.audit_context(),
        obj=AuditObject.of(mandate),
        detail={
            "all_items": all_items,
            "item_codes": codes,
            "starts_on": starts_on.isoformat(),
            "expires_on": expires_on.isoformat(),
        },
    )
    return mandate


def _agent(name: str, id_number: str, errors: list[FieldError]) -> Person | None:
    name = (name or "").strip()
    number = ric.compact(id_number or "").upper()
    mine = []
    if not name:
        mine.append(FieldError("agent_name", "请填写受托人姓名。"))
    if not number:
        mine.append(FieldError("agent_id_number", "请填写受托人公民身份号码。"))
    elif not ric.is_valid(number):
        mine.append(FieldError("agent_id_number", AGENT_ID_INVALID))
    if not mine:
        if (person := person_matching(real_name=name, id_number=number)) is not None:
            return person
        mine.append(FieldError("agent_id_number", AGENT_UNKNOWN))
    errors.extend(mine)
    return None


def _item_codes(all_items: bool, item_codes: list[str], errors: list[FieldError]) -> list[str]:
    codes = list(dict.fromkeys(code.strip() for code in item_codes or [] if code and code.strip()))
    if all_items and codes:
        errors.append(FieldError("item_codes", "已选择“全部事项”，请不要再列出具体事项。"))
    elif not all_items and not codes:
        errors.append(FieldError("item_codes", "请列出委托办理的事项（基本编码），或选择“全部事项”。"))
    elif len(codes) > MAX_ITEMS:
        errors.append(
            FieldError("item_codes", f"一份委托最多列出{MAX_ITEMS}个事项；更多事项请选择“全部事项”。")
        )
    elif unknown := [code for code, name in item_names(codes).items() if name is None]:
        errors.append(FieldError("item_codes", f"以下事项编码在事项目录中不存在：{'、'.join(unknown)}。"))
    return codes


def _check_term(starts_on: date, expires_on: date, errors: list[FieldError]) -> None:
    today = timezone.localdate()
    if starts_on < today:
        errors.append(FieldError("starts_on", "生效日期不能早于今天。"))
    if expires_on <= starts_on:
        errors.append(FieldError("expires_on", "到期日期应晚于生效日期。"))
    elif expires_on > (latest := one_year_after(starts_on)):
        errors.append(
            FieldError(
                "expires_on",
                f"委托期限最长一年：到期日期不能晚于{latest.year}年{latest.month}月{latest.day}日。",
            )
        )


@transaction.atomic
def mandate_revoke(*, mandate: Mandate, by: Actor) -> Mandate:
    """End a mandate now. Only its principal's side may; a revoked mandate stays as it was revoked."""
    access.require(by, "mandate.revoke", mandate)
    mandate = Mandate.objects.select_for_update().select_related("principal", "agent").get(pk=mandate.pk)
    if mandate.revoked_at is not None:
        revoked = timezone.localtime(mandate.revoked_at)
        raise Conflict(f"该委托已于{revoked:%Y年%m月%d日 %H:%M}撤销，无需再次撤销。")
    mandate.revoked_at = timezone.now()
    mandate.revoked_by = by.user
    mandate.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(action="mandate.revoked", context=by.audit_context(), obj=AuditObject.of(mandate))
    return mandate
