"""The one permission layer: who acts (`Actor`), and what they may do (`check`/`require`).

Rules are data: a table from action to the predicates that grant it (rules.py for identity's own
objects; other apps register theirs from their AppConfig.ready). Selectors scope their querysets with
the actor's ids (`Actor.user_id`, `organization_ids()`, `supervised_region_ids()`); services call
`require()` before they change anything.

An actor who may not even see an object gets `AccessDenied`, which every adapter answers with 404 (a
user must not learn that the object exists); one who may see it but not do this gets `ActionRefused`
(403). Both are written to the audit log by the adapter, after the request's transaction is over.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q

from tongban.core.audit import AuditContext, AuditObject
from tongban.core.choices import Channel
from tongban.core.errors import DomainError, NotFound
from tongban.regions.models import Region

from .choices import AccountKind, Role

Rule = Callable[["Actor", Any], bool]


@dataclass(frozen=True)
class Grant:
    """One active staff role, with what it reaches."""

    role: str
    organization_id: int
    city_id: int
    region_id: int  # the supervised region: the role's own scope, else the organization's region
    item_code: str = ""


@dataclass(frozen=True)
class Actor:
    user: Any = None  # identity.User, or None for an anonymous visitor or the system
    channel: str = Channel.WEB
    ip: str | None = None
    on_behalf_of: Any = None  # the principal an agent acts for
    token: Any = None  # the ApiToken of a system client
    grants: tuple[Grant, ...] = ()
    label: str = ""
    _region_cache: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def system(cls, channel: str = Channel.SYSTEM, label: str = "系统") -> "Actor":
        return cls(channel=channel, label=label)

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None or self.token is not None

    @property
    def is_person(self) -> bool:
        return self.user is not None and self.user.kind == AccountKind.PERSON

    @property
    def is_company(self) -> bool:
        return self.user is not None and self.user.kind == AccountKind.COMPANY

    def has_role(self, *roles: str) -> bool:
        return any(g.role in roles for g in self.grants)

    @property
    def is_platform_admin(self) -> bool:
        return self.has_role(Role.PLATFORM_ADMIN)

    def has_scope(self, scope: str) -> bool:
        return self.token is not None and scope in self.token.scopes

    def organization_ids(self, *roles: str) -> set[int]:
        """Organizations the actor holds any (or one of the given) roles at."""
        return {g.organization_id for g in self.grants if not roles or g.role in roles}

    def city_ids(self, *roles: str) -> set[int]:
        return {g.city_id for g in self.grants if not roles or g.role in roles}

    def supervised_region_ids(self) -> set[int]:
        """The regions supervisors' roles reach, a city including everything inside it."""
        if "supervised" not in self._region_cache:
            scopes = {g.region_id for g in self.grants if g.role == Role.SUPERVISOR}
            # A district scope is itself; a city scope also every region whose city it is.
            reached = Region.objects.filter(Q(pk__in=scopes) | Q(city_id__in=scopes)) if scopes else []
            self._region_cache["supervised"] = {r.pk for r in reached}
        return self._region_cache["supervised"]

    def audit_context(self) -> AuditContext:
        organization_ids = sorted(self.organization_ids())
        return AuditContext(
            actor_id=self.user_id,
            actor_label=self.label
            or (str(self.user) if self.user else (str(self.token) if self.token else "访客")),
            on_behalf_of_id=self.on_behalf_of.pk if self.on_behalf_of is not None else None,
            on_behalf_of_label=str(self.on_behalf_of) if self.on_behalf_of is not None else "",
            organization_id=organization_ids[0]
            if organization_ids
            else (self.token.organization_id if self.token is not None else None),
            channel=self.channel,
            ip=self.ip,
        )


# --- Rules ------------------------------------------------------------------------------------------

RULES: dict[str, list[Rule]] = {}
VIEW_ACTIONS: dict[str, str] = {}  # model label → the action that lets an actor know the object exists


def register(action: str, *rules: Rule) -> None:
    """Add predicates that grant an action (any of them suffices). Apps call this at start-up."""
    RULES.setdefault(action, []).extend(rules)


def register_view_action(model: type[Model], action: str) -> None:
    VIEW_ACTIONS[model._meta.label_lower] = action


def check(actor: Actor, action: str, obj: Any = None) -> bool:
    if action not in RULES:
        raise KeyError(f"no rules for action {action!r}")  # a typo must not silently deny or allow
    return any(rule(actor, obj) for rule in RULES[action])


class AccessDenied(NotFound):
    """The actor may not know the object exists: answered 404, recorded as a denial."""

    def __init__(self, action: str, obj: Any = None):
        super().__init__()
        self.action, self.obj = action, obj


class ActionRefused(DomainError):
    """The actor sees the object but may not do this to it: answered 403, recorded as a denial."""

    def __init__(self, action: str, obj: Any = None, message: str = "您没有权限执行此操作。"):
        super().__init__(message=message, status=403)
        self.action, self.obj = action, obj


def require(actor: Actor, action: str, obj: Any = None) -> None:
    """Raise unless the actor may take the action on the object (404 or 403, see the module doc)."""
    if check(actor, action, obj):
        return
    view_action = VIEW_ACTIONS.get(obj._meta.label_lower) if isinstance(obj, Model) else None
    if view_action and view_action != action and check(actor, view_action, obj):
        raise ActionRefused(action, obj)
    raise AccessDenied(action, obj)


def denial_audit_object(exc: AccessDenied | ActionRefused) -> AuditObject | None:
    return AuditObject.of(exc.obj) if isinstance(exc.obj, Model) else None


# --- Building actors ------------------------------------------------------------------------------


def grants_of(user) -> tuple[Grant, ...]:
    from .models import StaffRole

    if user is None or not user.is_authenticated:
        return ()
    rows = StaffRole.objects.filter(user=user, revoked_at=None).select_related("organization__region")
    return tuple(
        Grant(
            role=row.role,
            organization_id=row.organization_id,
            city_id=row.organization.region.city_id,
            region_id=row.region_id or row.organization.region_id,
            item_code=row.item_code,
        )
        for row in rows
    )


def actor_for(user, *, channel: str = Channel.WEB, ip: str | None = None, on_behalf_of=None) -> Actor:
    """The actor for a signed-in user (or an anonymous visitor when user is None or anonymous)."""
    if user is None or not user.is_authenticated:
        return Actor(channel=channel, ip=ip)
    return Actor(user=user, channel=channel, ip=ip, on_behalf_of=on_behalf_of, grants=grants_of(user))


def actor_for_token(token, *, channel: str = Channel.API, ip: str | None = None) -> Actor:
    return Actor(token=token, channel=channel, ip=ip, label=str(token))


def client_ip(request) -> str | None:
    """The client's address. Behind a proxy, gunicorn is told to trust X-Forwarded-For (forwarded_allow_ips)
    and REMOTE_ADDR is already the client's; we never read the header ourselves."""
    return request.META.get("REMOTE_ADDR") or None


def actor_from_request(request, *, channel: str | None = None) -> Actor:
    """The actor of a request, built once per request."""
    cached = getattr(request, "_tongban_actor", None)
    if cached is not None and (channel is None or cached.channel == channel):
        return cached
    actor = actor_for(getattr(request, "user", None), channel=channel or Channel.WEB, ip=client_ip(request))
    request._tongban_actor = actor
    return actor
