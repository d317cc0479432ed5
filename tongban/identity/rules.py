"""Who may do what with identity's own objects (registered at start-up by IdentityConfig.ready).

Each action lists the predicates that grant it; any one suffices. Other apps register theirs the same
way, from their own rules.py.
"""

from datetime import timedelta

from django.utils import timezone

from tongban.core.choices import Channel

from . import access
from .access import Actor
from .choices import Role, TokenScope
from .models import Company, IdentityCode, Mandate, Person, StaffRole

# A clerk who identified a person (identity code) may reveal that person's data for this long.
IDENTIFICATION_WINDOW = timedelta(minutes=30)


def platform_admin(actor: Actor, obj) -> bool:
    return actor.is_platform_admin


def is_self(actor: Actor, obj) -> bool:
    """The object is (or belongs to) the actor's own account."""
    owner_id = getattr(obj, "user_id", None) if obj is not None else None
    return actor.user_id is not None and owner_id == actor.user_id


def operates_company(actor: Actor, company: Company) -> bool:
    if actor.user is None or not hasattr(actor.user, "person"):
        return False
    return company.operators.filter(person=actor.user.person, revoked_at=None).exists()


def company_member(actor: Actor, company: Company) -> bool:
    return is_self(actor, company) or operates_company(actor, company)


def mandate_party(actor: Actor, mandate: Mandate) -> bool:
    if actor.user_id is None:
        return False
    if mandate.principal_id == actor.user_id or mandate.agent.user_id == actor.user_id:
        return True
    company = getattr(mandate.principal, "company", None)
    return company is not None and operates_company(actor, company)


def mandate_principal(actor: Actor, mandate: Mandate) -> bool:
    if mandate.principal_id == actor.user_id:
        return True
    company = getattr(mandate.principal, "company", None)
    return company is not None and operates_company(actor, company)


def identified_recently(actor: Actor, person: Person) -> bool:
    """The actor (a clerk or helper) identified this person with an identity code within the window."""
    if actor.user_id is None or not actor.has_role(Role.WINDOW_CLERK, Role.HELPER, Role.REVIEWER):
        return False
    since = timezone.now() - IDENTIFICATION_WINDOW
    return IdentityCode.objects.filter(
        user_id=person.user_id, used_by_id=actor.user_id, used_at__gte=since
    ).exists()


def holds_account(actor: Actor, obj) -> bool:
    """A person or company account (not staff, not a system) acting for itself."""
    return actor.is_person or actor.is_company


def window_staff(actor: Actor, obj) -> bool:
    return actor.has_role(Role.WINDOW_CLERK, Role.HELPER)


def kiosk_token(actor: Actor, obj) -> bool:
    return actor.has_scope(TokenScope.IDENTITY_VERIFY)


def on_command_line(actor: Actor, obj) -> bool:
    """Someone with a shell on the server (and so the database's credentials) runs `tongban …`."""
    return actor.channel == Channel.CLI and actor.user is None and actor.token is None


def supervises_entry(actor: Actor, entry) -> bool:
    """A supervisor reads the audit entries of organizations in the regions they supervise."""
    from tongban.regions.models import Organization

    if not actor.has_role(Role.SUPERVISOR):
        return False
    if entry is None:
        return True  # the list: scoped to the supervised regions by its selector
    if entry.organization_id is None:
        return False
    return Organization.objects.filter(
        pk=entry.organization_id, region_id__in=actor.supervised_region_ids()
    ).exists()


def staff_member(actor: Actor, obj) -> bool:
    """Any active staff role, at any organization (the workbench's door)."""
    return bool(actor.grants)


def register_rules() -> None:
    access.register("person.view", is_self, platform_admin)
    access.register("person.reveal", is_self, identified_recently, platform_admin)
    access.register("company.view", company_member, platform_admin)
    access.register("company.manage_operators", is_self, platform_admin)
    access.register("mandate.view", mandate_party, platform_admin)
    access.register("mandate.create", holds_account)
    access.register("mandate.revoke", mandate_principal, platform_admin)
    # The command line makes a new installation's first platform admin (tongban staff create-admin).
    access.register("staff_role.manage", platform_admin, on_command_line)
    access.register("identity_code.issue", holds_account)
    access.register("identity_code.verify", window_staff, kiosk_token)
    access.register("api_token.manage", platform_admin)
    access.register("audit.view", platform_admin, supervises_entry)
    access.register("audit.verify", platform_admin, on_command_line)
    access.register_view_action(Person, "person.view")
    access.register_view_action(Company, "company.view")
    access.register_view_action(Mandate, "mandate.view")
    access.register_view_action(StaffRole, "staff_role.manage")
    access.register("workbench.enter", staff_member)
