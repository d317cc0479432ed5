"""Who may see and act on licenses.

Seeing a license (`license.view`): its holder (a company's operators too) and platform admins; verifiers see a
license only through a presentation (亮证) or the public verification by identifier, which shows what the
verifier needs and masks the holder's code. Issuing and changing status (`license.issue`, `license.operate`):
reviewers of the issuing organization. Rotating a seal (`seal.rotate`): platform admins and the organization's
catalog administrators.

亮证 (presentations): only the holder acting for themselves — the person, the company or one of its operators,
never staff or a system — shows a license (`presentation.create`) or withdraws its showing
(`presentation.cancel`); both are decided on the license. Verifying a shown license (`presentation.redeem`):
any staff member (the workbench's door: a window, a department) or a system whose API token has the
licenses:verify scope (a kiosk, another department's system).
"""

from tongban.identity import access
from tongban.identity.access import Actor
from tongban.identity.choices import Role, TokenScope
from tongban.identity.rules import operates_company

from .models import License

ISSUER_ROLES = (Role.REVIEWER,)


def is_holder(actor: Actor, license_: License) -> bool:
    if actor.user_id is None:
        return False
    if license_.holder_id == actor.user_id:
        return True
    company = getattr(license_.holder, "company", None)
    return company is not None and operates_company(actor, company)


def may_view(actor: Actor, license_: License) -> bool:
    return is_holder(actor, license_) or actor.is_platform_admin or may_operate(actor, license_)


def may_issue(actor: Actor, organization) -> bool:
    return organization is not None and organization.pk in actor.organization_ids(*ISSUER_ROLES)


def may_operate(actor: Actor, license_: License) -> bool:
    return license_.issuer_id in actor.organization_ids(*ISSUER_ROLES)


def may_rotate(actor: Actor, organization) -> bool:
    return actor.is_platform_admin or organization.pk in actor.organization_ids(Role.CATALOG_ADMIN)


def may_present(actor: Actor, license_: License) -> bool:
    return (actor.is_person or actor.is_company) and is_holder(actor, license_)


def may_redeem(actor: Actor, obj=None) -> bool:
    return actor.has_scope(TokenScope.LICENSES_VERIFY) or (
        actor.token is None and access.check(actor, "workbench.enter")
    )


def register_rules() -> None:
    access.register("license.view", may_view)
    access.register("license.issue", may_issue)
    access.register("license.operate", may_operate)
    access.register("seal.rotate", may_rotate)
    access.register("presentation.create", may_present)
    access.register("presentation.cancel", may_present)
    access.register("presentation.redeem", may_redeem)
    access.register_view_action(License, "license.view")
