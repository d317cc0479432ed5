"""Who may change the catalog (registered at start-up by CatalogConfig.ready).

The basic catalog (items) and the circle's 通办 list (batches) belong to the whole circle: only platform
administrators change them, and so only they import workbooks (an import writes both). A city's catalog
administrators keep that city's implementations — guides, their versions, where they are received — and
the agreements their city is a party to; platform administrators keep everything. A city is the city of
the implementing organization (a district's body belongs to its city).

Everyone may read the published catalog; the admin shows a catalog administrator only their cities'
implementations and agreements (`catalog_cities`), and another city's object answers 404.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from tongban.identity import access
from tongban.identity.access import Actor
from tongban.identity.choices import Role
from tongban.identity.services.staff import register_role_group

from .models import Agreement, Availability, Implementation, ImplementationVersion

CATALOG_ADMIN_GROUP = "目录管理员"
# Models a catalog administrator adds and changes (within their cities); everything else is read-only.
CATALOG_ADMIN_MODELS = (
    "implementation",
    "implementationversion",
    "guidematerial",
    "guidestep",
    "guidefee",
    "guidelocation",
    "guidefaq",
    "availability",
    "agreement",
    "agreementparty",
    "agreementitem",
)


def platform_admin(actor: Actor, obj) -> bool:
    return actor.is_platform_admin


def catalog_cities(actor: Actor) -> set[int] | None:
    """The cities whose catalog the actor keeps; None means every city (a platform administrator)."""
    return None if actor.is_platform_admin else actor.city_ids(Role.CATALOG_ADMIN)


def city_of(obj) -> int | None:
    """The city an implementation (or a version or availability entry of one) belongs to."""
    if isinstance(obj, ImplementationVersion | Availability):
        obj = obj.implementation
    if isinstance(obj, Implementation):
        return obj.organization.region.city_id
    return None


def keeps_city(actor: Actor, obj) -> bool:
    """A catalog administrator of the object's city; without an object, of any city."""
    cities = actor.city_ids(Role.CATALOG_ADMIN)
    return bool(cities) if obj is None else city_of(obj) in cities


def party_to(actor: Actor, agreement: Agreement | None) -> bool:
    """A catalog administrator of a city that is (through one of its regions) a party to the agreement."""
    cities = actor.city_ids(Role.CATALOG_ADMIN)
    if agreement is None or agreement.pk is None:
        return bool(cities)
    return agreement.party_rows.filter(region__city_id__in=cities).exists()


def catalog_admin_group() -> Group:
    """目录管理员: view the catalog and the regions; add and change implementations, guides, availability
    and agreements (the rules above narrow these to the administrator's cities)."""
    group, _ = Group.objects.get_or_create(name=CATALOG_ADMIN_GROUP)
    group.permissions.set(
        Permission.objects.filter(
            Q(content_type__app_label="catalog", codename__startswith="view_")
            | Q(content_type__app_label="catalog", content_type__model__in=CATALOG_ADMIN_MODELS)
            & Q(codename__regex=r"^(add|change)_")
            | Q(content_type__app_label="regions", codename__startswith="view_")
        )
    )
    return group


def register_rules() -> None:
    access.register("catalog.item.change", platform_admin)
    access.register("catalog.batch.change", platform_admin)
    access.register("catalog.implementation.change", platform_admin, keeps_city)
    access.register("catalog.implementation.publish", platform_admin, keeps_city)
    access.register("catalog.availability.change", platform_admin, keeps_city)
    access.register("catalog.agreement.change", platform_admin, party_to)
    register_role_group(Role.CATALOG_ADMIN, catalog_admin_group)
