"""Demo accounts for every role: the platform administrator; a catalog administrator in each of the nine
cities; in 武汉, 鄂州 and 黄石 a window clerk and a helper at the body that runs the city's hall (with its
圈内通办专窗), a reviewer and the chief service officer for 社会保障卡申领 at the city's human-resources
bureau, a supervisor of the city, and a question moderator; three citizens, a company whose operator is
one of them, a mandate from one citizen to another (signed a month ago, so that the demo cases can show
the agent acting before today), and a kiosk's API token (scope identity:verify). The clerks of 武汉 and
鄂州 also clerk at the halls of 东湖高新区 and 葛店经开区, the two zones whose market-entry items are handled
jointly (多地联办), so that the demo's joint cases have staff on both sides; and the reviewers also review
at the police, land and civil-affairs bodies whose e-licenses the demo citizens and company hold, so that
each license has staff of its issuer who issued it and may operate it (暂扣, 注销…).

Every demo account has the one password below, and the kiosk token is fixed too: both are printed by
`tongban serve` and `tongban demo` and are for trying the platform out. They must never reach a
production database. The citizens' ID numbers are valid (GB 11643 check digit) but obviously made up —
all born on 1 January 2000 — and their mobile numbers are 1380000000x.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.hashers import identify_hasher, make_password
from django.db.models import Q
from stdnum.cn import ric

from tongban.catalog.models import ServiceItem
from tongban.core.identifiers import make_uscc
from tongban.identity.api_auth import token_digest
from tongban.identity.choices import AccountKind, IdentityVerification, Role, TokenScope
from tongban.identity.models import (
    ApiToken,
    Company,
    CompanyOperator,
    IdentityCode,
    Mandate,
    Person,
    StaffRole,
    User,
)
from tongban.identity.services.staff import staff_access_sync
from tongban.notifications.models import Notification
from tongban.regions.choices import RegionKind
from tongban.regions.models import Organization, Region

DEMO_PASSWORD = "Tongban@2026"  # noqa: S105 (a published demo password, see the module docstring)
# make_password(DEMO_PASSWORD, salt="tongbandemoaccounts2026circle", hasher="argon2") computed once: the
# demo loads without hashing, and Argon2 is the configured hasher, so a login does not re-hash it either.
DEMO_PASSWORD_HASH = (
    "argon2$argon2id$v=19$m=102400,t=2,p=8$dG9uZ2JhbmRlbW9hY2NvdW50czIwMjZjaXJjbGU"  # noqa: S105
    "$X0tCvg8TFF4O2DlUOKQS7iN2FdGolJ2GpLc1iDEAAYg"
)
DEMO_KIOSK_TOKEN = "tb_demo-huarong-kiosk-identity-verify"  # noqa: S105 (published, see the docstring)
KIOSK_NAME = "华容区政务服务中心“圈内通办”自助终端"
KIOSK_ORGANIZATION = "华容区政务服务和大数据管理局"
PLATFORM = "武汉市政务服务和大数据管理局"  # runs the circle's platform
CHIEF_ITEM = "社会保障卡申领"
EMAIL_DOMAIN = "demo.tongban.localhost"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str  # as users see it
    city: str
    organization: str


@dataclass(frozen=True)
class _Staff:
    username: str
    role: Role
    city: str
    organization: str
    display_name: str
    also_at: tuple[str, ...] = ()  # further organizations where the account holds the same role


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
# Cities with a full set of staff: (username prefix, city)
STAFFED = (("wuhan", "武汉市"), ("ezhou", "鄂州市"), ("huangshi", "黄石市"))
# The development zones' halls where a city's clerk also works (the 葛店↔东湖 多地联办 items' two sides)
ZONE_HALLS = {"wuhan": ("东湖新技术开发区政务服务局",), "ezhou": ("葛店经济技术开发区政务服务中心",)}
# Where a city's reviewer also reviews, and so issues and operates the e-licenses the demo citizens and
# company hold (tongban.demo.licenses; a reviewer of the issuing organization issues its licenses)
LICENSING = {
    "wuhan": ("武汉市公安局", "武汉市自然资源和规划局", "东湖新技术开发区市场监督管理局"),
    "ezhou": ("鄂州市公安局", "鄂州市公安局鄂城区分局", "鄂城区民政局", "鄂州市不动产登记中心"),
    "huangshi": ("黄石市公安局", "黄石市公安局黄石港区分局"),
}


def _staff() -> list[_Staff]:
    staff = [_Staff("admin", Role.PLATFORM_ADMIN, "武汉市", PLATFORM, "平台管理员")]
    staff += [_Staff(u, Role.CATALOG_ADMIN, city, org, f"{city}目录管理员") for u, city, org in MAINTAINERS]
    for prefix, city in STAFFED:
        gov, hrss = f"{city}政务服务和大数据管理局", f"{city}人力资源和社会保障局"
        staff += [
            _Staff(
                f"{prefix}-clerk",
                Role.WINDOW_CLERK,
                city,
                gov,
                f"{city}专窗收件员",
                ZONE_HALLS.get(prefix, ()),
            ),
            _Staff(f"{prefix}-helper", Role.HELPER, city, gov, f"{city}帮办代办员"),
            _Staff(f"{prefix}-reviewer", Role.REVIEWER, city, hrss, f"{city}审批员", LICENSING[prefix]),
            _Staff(f"{prefix}-cso", Role.CHIEF_SERVICE_OFFICER, city, hrss, f"{city}社保卡首席服务官"),
            _Staff(f"{prefix}-supervisor", Role.SUPERVISOR, city, gov, f"{city}监督员"),
            _Staff(f"{prefix}-moderator", Role.QUESTION_MODERATOR, city, gov, f"{city}问答审核员"),
        ]
    return staff


@dataclass(frozen=True)
class _Citizen:
    username: str
    name: str
    city: str
    region_code: str
    order: int  # 顺序码: odd for men, even for women
    phone: str
    role: str = "个人用户"

    @property
    def id_number(self) -> str:
        body = f"{self.region_code}20000101{self.order:03d}"
        return body + ric.calc_check_digit(body + "0")  # stdnum reads the number with its check place


COMPANY_USERNAME = "demo-company"
COMPANY_NAME = "武汉示例科技有限公司"
COMPANY_USCC = make_uscc(registry="91", region_code="420100", org_body="DEM00001")
CITIZENS = (  # 江岸区, 鄂城区, 黄石港区
    _Citizen("zhangsan", "张三", "武汉市", "420102", 1, "13800000001", "个人用户（委托王五代办）"),
    _Citizen("lisi", "李四", "鄂州市", "420704", 2, "13800000002", "个人用户（示例公司经办人）"),
    _Citizen("wangwu", "王五", "黄石市", "420202", 3, "13800000003", "个人用户（受张三委托）"),
)
OPERATOR, PRINCIPAL, AGENT = "lisi", "zhangsan", "wangwu"


def demo_accounts() -> list[DemoAccount]:
    """Every demo account, as `tongban serve` prints them (the kiosk token is printed beside them)."""
    accounts = [
        DemoAccount(s.username, DEMO_PASSWORD, _role_label(s.role), s.city, s.organization) for s in _staff()
    ]
    accounts += [DemoAccount(c.username, DEMO_PASSWORD, c.role, c.city, c.name) for c in CITIZENS]
    accounts.append(DemoAccount(COMPANY_USERNAME, DEMO_PASSWORD, "法人用户", "武汉市", COMPANY_NAME))
    return accounts


def demo_kiosk_token() -> DemoAccount:
    """The kiosk's API token, printed as a row of its own: name, token, what it may do."""
    scope = TokenScope.IDENTITY_VERIFY
    return DemoAccount(
        "（接口令牌）", DEMO_KIOSK_TOKEN, f"自助终端：{scope.label}", "鄂州市", KIOSK_ORGANIZATION
    )


def _role_label(role: Role) -> str:
    return f"{role.label}（{CHIEF_ITEM}）" if role == Role.CHIEF_SERVICE_OFFICER else str(role.label)


# --- Creating and removing ----------------------------------------------------------------------------


def demo_accounts_create() -> None:
    """Create the demo accounts that do not exist yet, with their roles and records; an existing account
    of the same name is left as it is (its owner may have changed the password)."""
    existing = set(User.objects.filter(username__in=_usernames()).values_list("username", flat=True))
    encoded = _demo_password_hash()
    staff = [s for s in _staff() if s.username not in existing]
    users = _users_create(staff, encoded)
    _roles_create(staff, users)
    people = _citizens_create([c for c in CITIZENS if c.username not in existing], encoded)
    if COMPANY_USERNAME not in existing:
        _company_create(encoded, people)
    if PRINCIPAL in people and AGENT in people:
        today = datetime.date.today()
        Mandate.objects.create(
            principal=people[PRINCIPAL].user,
            agent=people[AGENT],
            all_items=True,
            starts_on=today - datetime.timedelta(days=30),
            expires_on=today + datetime.timedelta(days=334),
            note="演示：委托王五代办全部事项",
        )
    _kiosk_token_create()


def _users_create(staff: list[_Staff], encoded: str) -> dict[str, User]:
    users = User.objects.bulk_create(
        User(
            username=s.username,
            password=encoded,
            kind=AccountKind.STAFF,
            display_name=s.display_name,
            email=f"{s.username}@{EMAIL_DOMAIN}",
        )
        for s in staff
    )
    return {user.username: user for user in users}


def _roles_create(staff: list[_Staff], users: dict[str, User]) -> None:
    names = {name for s in staff for name in (s.organization, *s.also_at)}
    organizations = {o.name: o for o in Organization.objects.filter(name__in=names)}
    cities = {
        r.name: r for r in Region.objects.filter(name__in={s.city for s in staff}, kind=RegionKind.CITY)
    }
    item_code = ServiceItem.objects.filter(name=CHIEF_ITEM).values_list("basic_code", flat=True).first()
    StaffRole.objects.bulk_create(
        StaffRole(
            user=users[s.username],
            organization=organizations[organization],
            role=s.role,
            region=cities[s.city] if s.role == Role.SUPERVISOR else None,
            item_code=item_code if s.role == Role.CHIEF_SERVICE_OFFICER else "",
        )
        for s in staff
        for organization in (s.organization, *s.also_at)
    )
    for user in users.values():
        staff_access_sync(user)


def _citizens_create(citizens: list[_Citizen], encoded: str) -> dict[str, Person]:
    people = {}
    for citizen in citizens:
        user = User.objects.create(
            username=citizen.username, password=encoded, kind=AccountKind.PERSON, display_name=citizen.name
        )
        people[citizen.username] = Person.objects.create(
            user=user,
            real_name=citizen.name,
            id_number=citizen.id_number,
            phone=citizen.phone,
            birth_date=datetime.date(2000, 1, 1),
            region_code=citizen.region_code,
            verification=IdentityVerification.WINDOW,
        )
    return people


def _company_create(encoded: str, people: dict[str, Person]) -> None:
    user = User.objects.create(
        username=COMPANY_USERNAME, password=encoded, kind=AccountKind.COMPANY, display_name=COMPANY_NAME
    )
    representative = next(c for c in CITIZENS if c.username == OPERATOR)
    company = Company.objects.create(
        user=user,
        name=COMPANY_NAME,
        uscc=COMPANY_USCC,
        legal_representative=representative.name,
        legal_representative_id_number=representative.id_number,
    )
    if OPERATOR in people:
        CompanyOperator.objects.create(company=company, person=people[OPERATOR])


def _kiosk_token_create() -> None:
    digest = token_digest(DEMO_KIOSK_TOKEN)
    organization = Organization.objects.filter(name=KIOSK_ORGANIZATION).first()
    if organization is None or ApiToken.objects.filter(token_hash=digest).exists():
        return
    ApiToken.objects.create(
        name=KIOSK_NAME,
        organization=organization,
        scopes=[TokenScope.IDENTITY_VERIFY],
        prefix=DEMO_KIOSK_TOKEN[: ApiToken._meta.get_field("prefix").max_length],
        token_hash=digest,
    )


def _usernames() -> list[str]:
    return [a.username for a in demo_accounts()]


def _demo_password_hash() -> str:
    """The stored hash while its hasher is configured (PASSWORD_HASHERS), else a fresh one."""
    try:
        identify_hasher(DEMO_PASSWORD_HASH)
    except ValueError:
        return make_password(DEMO_PASSWORD)
    return DEMO_PASSWORD_HASH


def demo_accounts_remove() -> None:
    """Remove the demo accounts with everything that hangs on them (roles, people, the company, mandates,
    identity codes, the kiosk token, their notifications). What they did to others' records stays, without
    their name."""
    users = User.objects.filter(username__in=_usernames())
    Notification.objects.filter(recipient__in=users).delete()  # with their deliveries
    Mandate.objects.filter(Q(principal__in=users) | Q(agent__user__in=users)).delete()
    Mandate.objects.filter(revoked_by__in=users).update(revoked_by=None)
    CompanyOperator.objects.filter(Q(company__user__in=users) | Q(person__user__in=users)).delete()
    IdentityCode.objects.filter(Q(user__in=users) | Q(used_by__in=users)).delete()
    StaffRole.objects.filter(granted_by__in=users).exclude(user__in=users).update(granted_by=None)
    StaffRole.objects.filter(user__in=users).delete()
    ApiToken.objects.filter(token_hash=token_digest(DEMO_KIOSK_TOKEN)).delete()
    ApiToken.objects.filter(created_by__in=users).update(created_by=None)
    Person.objects.filter(user__in=users).delete()
    Company.objects.filter(user__in=users).delete()
    users.delete()
