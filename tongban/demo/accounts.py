"""Demo accounts: the platform administrator and one catalog maintainer per city.

Identity and roles come with the identity app; until then a Django group, 目录管理员, stands for the
catalog maintainer role. Every demo account has the one password below, printed by `tongban serve` and
`tongban demo`: it is for trying the platform out and must never reach a production database.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import identify_hasher, make_password
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

DEMO_PASSWORD = "Tongban@2026"  # noqa: S105 (a published demo password, see the module docstring)
# make_password(DEMO_PASSWORD, salt="tongbandemo2026") computed once: PBKDF2 takes about a second per
# hash, a tenth of the demo's load time. Django re-hashes it at the first login if its defaults move on.
DEMO_PASSWORD_HASH = "pbkdf2_sha256$1500000$tongbandemo2026$xHhCzYcoJwY3h8A0NWj0NkHi4zs+yLooROP4HfoidrU="  # noqa: S105
CATALOG_GROUP = "目录管理员"
PLATFORM_ADMIN = "平台管理员"

# (username, city, the body that keeps the city's catalog)
MAINTAINERS = (
    ("wuhan-catalog", "武汉市", "武汉市政务服务和大数据管理局"),
    ("ezhou-catalog", "鄂州市", "鄂州市行政审批局"),
    ("huangshi-catalog", "黄石市", "黄石市政务服务和大数据管理局"),
    ("huanggang-catalog", "黄冈市", "黄冈市政务服务和大数据管理局"),
    ("xiaogan-catalog", "孝感市", "孝感市政务服务和大数据管理局"),
    ("xianning-catalog", "咸宁市", "咸宁市政务服务和大数据管理局"),
    ("xiantao-catalog", "仙桃市", "仙桃市政务服务和大数据管理局"),
    ("tianmen-catalog", "天门市", "天门市政务服务和大数据管理局"),
    ("qianjiang-catalog", "潜江市", "潜江市政务服务和大数据管理局"),
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str  # as users see it
    organization: str


def demo_accounts() -> list[DemoAccount]:
    admin = DemoAccount("admin", DEMO_PASSWORD, PLATFORM_ADMIN, "武汉都市圈“圈内通办”平台")
    return [admin] + [DemoAccount(u, DEMO_PASSWORD, CATALOG_GROUP, org) for u, _city, org in MAINTAINERS]


def catalog_maintainer_group() -> Group:
    """目录管理员: add, change and view everything in the catalog; view the regions."""
    group, _ = Group.objects.get_or_create(name=CATALOG_GROUP)
    group.permissions.set(
        Permission.objects.filter(
            Q(content_type__app_label="catalog", codename__regex=r"^(add|change|view)_")
            | Q(content_type__app_label="regions", codename__startswith="view_")
        )
    )
    return group


def demo_accounts_create() -> None:
    """Create the demo accounts that do not exist yet; an existing account of the same name is left
    as it is (its owner may have changed the password)."""
    user_model = get_user_model()
    existing = set(
        user_model.objects.filter(username__in=[a.username for a in demo_accounts()]).values_list(
            "username", flat=True
        )
    )
    encoded = _demo_password_hash()
    group = catalog_maintainer_group()
    cities = {username: city for username, city, _org in MAINTAINERS}
    for account in demo_accounts():
        if account.username in existing:
            continue
        is_admin = account.role == PLATFORM_ADMIN
        user = user_model.objects.create(
            username=account.username,
            password=encoded,
            first_name=PLATFORM_ADMIN if is_admin else f"{cities[account.username]}{CATALOG_GROUP}",
            is_staff=True,
            is_superuser=is_admin,
        )
        if not is_admin:
            user.groups.add(group)


def _demo_password_hash() -> str:
    """The stored hash while its hasher is configured (PASSWORD_HASHERS), else a fresh one."""
    try:
        identify_hasher(DEMO_PASSWORD_HASH)
    except ValueError:
        return make_password(DEMO_PASSWORD)
    return DEMO_PASSWORD_HASH


def demo_accounts_remove() -> None:
    get_user_model().objects.filter(username__in=[a.username for a in demo_accounts()]).delete()
