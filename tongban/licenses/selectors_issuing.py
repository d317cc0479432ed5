"""Reads for the issuing organization's staff: the organizations where the actor may issue, the licenses
those organizations issued (searchable), one of them for an actor who may operate it, the holder's account
behind an ID number or USCC, and what the license's status allows next.

Who may issue and operate is decided by the rules (`license.issue`, `license.operate` in rules.py); these
reads only ask them, so a change of who counts as an issuer reaches every list and page at once.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from stdnum.cn import ric

from tongban.core.errors import ValidationFailed
from tongban.core.identifiers import validate_uscc
from tongban.core.masking import mask_id_number
from tongban.identity import access
from tongban.identity.access import ActionRefused, Actor
from tongban.identity.models import Company, Person, User, id_number_index
from tongban.regions.models import Organization

from .choices import HolderCodeType, HolderKind, LicenseOperation, LicenseStatus
from .models import License, LicenseType, holder_code_index
from .selectors import license_get
from .services import NEEDS_REASON, OPERATIONS

NOT_AN_ISSUER = "只有颁发机构的审批人员可以签发和管理电子证照。如需开通，请联系所在单位的管理员。"
_RELATED = ("license_type", "issuer", "seal", "jurisdiction", "previous")
_NO_SECRET = ("seal__private_key",)


def issuing_organizations(actor: Actor) -> list[Organization]:
    """The organizations in whose name the actor may issue (and operate) licenses."""
    candidates = Organization.objects.filter(pk__in=actor.organization_ids()).order_by("name", "pk")
    return [org for org in candidates if access.check(actor, "license.issue", org)]


def issuing_organizations_required(actor: Actor) -> list[Organization]:
    """As issuing_organizations, refusing (403) an actor who issues for none."""
    organizations = issuing_organizations(actor)
    if not organizations:
        raise ActionRefused("license.issue", message=NOT_AN_ISSUER)
    return organizations


def licenses_issued(actor: Actor, *, q: str = "", status: str = "") -> QuerySet[License]:
    """Licenses (every version) issued by the actor's issuing organizations, newest first; `q` finds a
    license number or identifier (a part of either) or the holder's full ID number or USCC."""
    found = License.objects.filter(issuer__in=issuing_organizations(actor))
    q = (q or "").strip()
    if q:
        codes = [holder_code_index(kind, q) for kind in HolderCodeType.values]
        found = found.filter(
            Q(number__icontains=q) | Q(identifier__icontains=q) | Q(holder_code_index__in=codes)
        )
    if status:
        found = found.filter(status=status)
    return found.select_related(*_RELATED).defer(*_NO_SECRET).order_by("-issued_on", "-id")


def license_issued_get(actor: Actor, identifier: str) -> License:
    """One license for an actor who may operate it: 404 for one who may not see it, 403 for one who sees
    it (its holder, a platform admin) but is not of its issuer."""
    license_ = license_get(actor, identifier)
    access.require(actor, "license.operate", license_)
    return license_


def holder_code_shown(license_: License) -> str:
    """The holder's code as lists and pages show it: an ID number masked, a USCC as registered."""
    code = license_.holder_code
    return mask_id_number(code) if license_.holder_code_type == HolderCodeType.ID_NUMBER else code


def holder_by_code(license_type: LicenseType, code: str) -> User:
    """The account of the holder a license of this type is issued to: a person by resident ID number, a
    company by USCC. ValidationFailed on `holder_code` names what is wrong."""
    code = (code or "").strip().upper()
    if license_type.holder_kind == HolderKind.PERSON:
        return _person_by_id_number(license_type, code)
    return _company_by_uscc(license_type, code)


def _holder_error(message: str) -> ValidationFailed:
    return ValidationFailed.on("holder_code", f"持证主体代码：{message}")


def _person_by_id_number(license_type: LicenseType, code: str) -> User:
    if not code:
        raise _holder_error(f"{license_type.name}的持证主体为自然人，请填写其公民身份号码。")
    number = ric.compact(code).upper()
    if not ric.is_valid(number):
        raise _holder_error("公民身份号码应为18位且校验位正确，请核对。")
    person = (
        Person.objects.filter(id_number_index=id_number_index(number), user__is_active=True)
        .select_related("user")
        .first()
    )
    if person is None:
        raise _holder_error("没有以该公民身份号码注册的个人账号。持证人须先在平台注册（或由窗口核验开户）。")
    return person.user


def _company_by_uscc(license_type: LicenseType, code: str) -> User:
    if not code:
        raise _holder_error(f"{license_type.name}的持证主体为法人和其他组织，请填写其统一社会信用代码。")
    try:
        uscc = validate_uscc(code)
    except ValidationError as exc:
        raise _holder_error(exc.messages[0]) from None
    company = Company.objects.filter(uscc=uscc, user__is_active=True).select_related("user").first()
    if company is None:
        raise _holder_error("没有以该统一社会信用代码注册的法人账号。持证单位须先在平台注册。")
    return company.user


@dataclass(frozen=True)
class OperationChoice:
    operation: str
    label: str
    needs_reason: bool


def operations_allowed(license_: License) -> list[OperationChoice]:
    """暂扣, 发还, 注销, 撤销, 吊销 as the service's table allows them from the license's status."""
    return [
        OperationChoice(operation, LicenseOperation(operation).label, operation in NEEDS_REASON)
        for operation, (allowed, _to) in OPERATIONS.items()
        if operation != LicenseOperation.EXPIRE and license_.status in allowed
    ]


def new_version_allowed(license_: License) -> bool:
    """变更 and 延续 start from the latest version, valid or expired (the service's own condition)."""
    return (
        license_.status in (LicenseStatus.VALID, LicenseStatus.EXPIRED)
        and not license_.next_versions.exists()
    )


def license_next_version(license_: License) -> License | None:
    return license_.next_versions.order_by("version").first()
