"""CSP and CSRF on every page: the pages are found in the URL resolver, not listed by hand, so a page
added later is checked without anyone remembering to add it.

Each page is requested as an anonymous visitor, a signed-in citizen, a window clerk and a platform
administrator (the admin's pages as the administrator only), following redirects within the site. Every
HTML answer must carry a Content-Security-Policy whose script-src is 'self' plus a nonce and nothing
unsafe; every script element must carry that nonce; no element may have an inline event handler or a
javascript: URL; every POST form must carry the CSRF token.

A page with arguments is built from sample objects (SAMPLES below); a page that cannot be requested
meaningfully is in NOT_REQUESTED with the reason. A new page with an argument the test does not know
fails `test_every_page_is_requested` until it gets a sample or a reason.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tongban.cases.tests.factories import case_of
from tongban.catalog.choices import Mode
from tongban.catalog.models import Agreement, AgreementItem, AgreementParty, TongbanBatch
from tongban.catalog.services import availability_add
from tongban.catalog.tests.factories import published_implementation
from tongban.identity.api_auth import token_digest, token_generate
from tongban.identity.choices import AccountKind, Role
from tongban.identity.models import ApiToken, CompanyOperator
from tongban.identity.tests.factories import (
    CompanyFactory,
    MandateFactory,
    PersonFactory,
    StaffRoleFactory,
    UserFactory,
)
from tongban.notifications.services import notify
from tongban.regions.tests.factories import HallFactory, KioskFactory, OrganizationFactory, WindowFactory

pytestmark = pytest.mark.django_db

# Route names (or prefixes of names, ending in ":" or "_") that are not requested, and why.
NOT_REQUESTED = {
    "api:": "JSON endpoints, not pages (the API's own tests); the API's HTML page is api-docs",
    "admin:django_tasks_database_dbtaskresult_": "no task is defined yet, so there is no result to show",
    "admin:view_on_site": "redirects to an object's public page, which is requested itself",
    "oidc_authentication_init": "redirects to the external identity provider (identity/tests/test_sso*)",
    "oidc_authentication_callback": "answers the identity provider's redirect (identity/tests/test_sso*)",
    "captcha-image": "django-simple-captcha's image endpoint, not a page (consult's tests)",
    "captcha-image-2x": "django-simple-captcha's image-2x endpoint, not a page (consult's tests)",
    "captcha-audio": "django-simple-captcha's audio endpoint, not a page (consult's tests)",
    "captcha-refresh": "django-simple-captcha's refresh endpoint, not a page (consult's tests)",
}
UNNAMED_ADMIN_ROUTES = "admin's unnamed routes redirect to the named ones (the change page, the login)"

EXECUTABLE_SCRIPT_TYPES = {"", "text/javascript", "module", "application/javascript", "text/ecmascript"}
UNSAFE_SCRIPT_SOURCES = {
    "'unsafe-inline'",
    "'unsafe-eval'",
    "'unsafe-hashes'",
    "*",
    "data:",
    "http:",
    "https:",
}
EVENT_HANDLER = re.compile(r"^on[a-z]+$")


# --- the sample site -----------------------------------------------------------------------------------


@dataclass
class Sample:
    people: dict[str, object]  # who requests: "anonymous" (None), "citizen", "clerk", "admin"
    arguments: dict[str, object]  # URL arguments by name, for any route
    by_route: dict[str, dict[str, object]] = field(default_factory=dict)  # arguments for one route


@pytest.fixture
def sample() -> Sample:
    organization = OrganizationFactory()
    hall = HallFactory(region=organization.region, organization=organization)
    WindowFactory(hall=hall, is_cross_city=True)
    kiosk = KioskFactory(region=organization.region)
    implementation = published_implementation(organization=organization)
    agreement = Agreement.objects.create(
        name="测试跨域通办合作协议",
        document_number="测通〔2026〕1号",
        signed_on="2026-01-05",
        effective_from="2026-01-05",
    )
    AgreementParty.objects.create(agreement=agreement, region=organization.region, signatory=organization)
    AgreementItem.objects.create(agreement=agreement, implementation=implementation)
    availability_add(implementation=implementation, mode=Mode.PROXY, kiosk=kiosk)
    TongbanBatch.objects.create(name="第一批", published_on="2026-01-05")
    Group.objects.create(name="测试组")
    attempt = {"user_agent": "测试", "ip_address": "10.0.0.1", "username": "user0", "http_accept": "*/*"}
    AccessAttempt.objects.create(
        **attempt, path_info="/login/", get_data="", post_data="", failures_since_start=1
    )
    AccessLog.objects.create(**attempt, path_info="/login/")
    AccessFailureLog.objects.create(**attempt, path_info="/login/")

    citizen = PersonFactory()
    mandate = MandateFactory(principal=citizen.user)
    company = CompanyFactory()
    operator = CompanyOperator.objects.create(company=company, person=citizen)
    clerk = StaffRoleFactory(organization=organization).user
    platform_admin = UserFactory(kind=AccountKind.STAFF, is_staff=True, is_superuser=True)
    StaffRoleFactory(user=platform_admin, organization=organization, role=Role.PLATFORM_ADMIN)
    message = notify(recipient=citizen.user, kind="test.sample", title="测试消息", body="", dedupe_key="csp")
    case_of(implementation, citizen.user)
    token = token_generate()
    ApiToken.objects.create(
        name="测试自助终端", organization=organization, prefix=token[:8], token_hash=token_digest(token)
    )

    from tongban.identity.access import actor_for
    from tongban.licenses.presentations import presentation_create
    from tongban.licenses.services import license_issue
    from tongban.licenses.tests.factories import property_issue

    issuer = StaffRoleFactory(organization=organization, role=Role.REVIEWER).user
    license_ = license_issue(issuer=organization, data=property_issue(citizen.user), by=actor_for(issuer))
    presentation_create(license_=license_, by=actor_for(citizen.user))  # for the admin's object pages
    from tongban.consult.models import Question, QuestionAsk, TriageThresholds, TriageWord
    from tongban.consult.services_ask import follow_token_hash

    question = Question.objects.create(
        text="异地办理社保卡需要什么材料？",
        normalized="异地办理社保卡需要什么材料",
        fingerprint="c",
        status="published",
        department=organization,
    )
    QuestionAsk.objects.create(
        question=question, text=question.text, follow_token_hash=follow_token_hash("follow-me")
    )
    TriageWord.objects.get_or_create(kind="junk", phrase="测试", defaults={"whole": True})
    TriageThresholds.current()

    return Sample(
        people={"anonymous": None, "citizen": citizen.user, "clerk": clerk, "admin": platform_admin},
        arguments={
            "code": implementation.code,
            "number": 1,
            "basic_code": implementation.service_item.basic_code,
            "serial": kiosk.serial,
            "app_label": "catalog",
            "person_id": citizen.pk,
            "uidb64": urlsafe_base64_encode(force_bytes(citizen.user.pk)),
            "token": default_token_generator.make_token(citizen.user),
            "identifier": license_.identifier,
        },
        by_route={
            "catalog:agreement": {"pk": agreement.pk},
            "identity:mandate_detail": {"pk": mandate.pk},
            "identity:mandate_revoke": {"pk": mandate.pk},
            "identity:operator_revoke": {"pk": operator.pk},
            "notifications:mark_read": {"pk": message.pk},
            "cases:wb_act": {"action": "accept"},
            "cases:wb_material": {"material_id": 1},
            "cases:wb_shipment_update": {"shipment_id": 1},
            "cases:wb_step_finish": {"step_id": 1},
            "cases:notice": {"notice": 1},
            "cases:material": {"material_id": 1},
            "consult:question": {"public_id": question.public_id},
            "consult_workbench:question": {"public_id": question.public_id},
            "consult_workbench:act": {"public_id": question.public_id, "action": "publish"},
            "consult:follow": {"token": "follow-me"},
        },
    )


# --- finding the pages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # with its namespace: "catalog:guide"; "" when the pattern has no name
    route: str  # as written: "guide/<str:code>/"
    arguments: tuple[str, ...]

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:") or self.route.startswith("admin/")


def routes(patterns=None, prefix: str = "", namespace: str = "") -> list[Route]:
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            found += routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name or ""
            arguments = tuple(pattern.pattern.regex.groupindex)
            found.append(Route(name, prefix + str(pattern.pattern), arguments))
    return found


def not_requested(route: Route) -> str:
    """The reason a route is not requested, or ""."""
    if not route.name:
        return UNNAMED_ADMIN_ROUTES if route.is_admin else ""
    for key, reason in NOT_REQUESTED.items():
        if route.name == key or (key.endswith((":", "_")) and route.name.startswith(key)):
            return reason
    return ""


def admin_object(route: Route) -> str | None:
    """The pk of a sample object for an admin object page (admin:<app>_<model>_<view>)."""
    for model in admin.site._registry:
        if route.name.startswith(f"admin:{model._meta.app_label}_{model._meta.model_name}_"):
            obj = model._default_manager.order_by("pk").first()
            return str(obj.pk) if obj else None
    return None


def url_for(route: Route, sample: Sample) -> str | None:
    """The route's address with sample arguments; None when an argument has no sample."""
    values = sample.arguments | sample.by_route.get(route.name, {})
    if route.is_admin and "object_id" in route.arguments:
        values = values | {"object_id": admin_object(route)}
    kwargs = {name: values.get(name) for name in route.arguments}
    if any(value is None for value in kwargs.values()):
        return None
    return reverse(route.name, kwargs=kwargs)


def pages(sample: Sample) -> tuple[list[tuple[Route, str]], list[Route]]:
    """(route, address) of every page to request, and the routes that could not be built."""
    found, unbuilt = [], []
    for route in routes():
        if not_requested(route):
            continue
        url = url_for(route, sample)
        if url is None:
            unbuilt.append(route)
        else:
            found.append((route, url))
    return found, unbuilt


# --- checking one answer --------------------------------------------------------------------------------


class PageParser(HTMLParser):
    """Collects what the checks look at: script elements, event handlers, javascript: URLs, POST forms."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict] = []
        self.handlers: list[str] = []
        self.javascript_urls: list[str] = []
        self.forms: list[dict] = []  # open POST forms; closed ones move to post_forms
        self.post_forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name.lower(): value or "" for name, value in attrs}
        self.handlers += [f"<{tag} {name}>" for name in attributes if EVENT_HANDLER.match(name)]
        self.javascript_urls += [
            f"<{tag} {name}>"
            for name in ("href", "src", "action", "formaction")
            if attributes.get(name, "").strip().lower().startswith("javascript:")
        ]
        if tag == "script":
            self.scripts.append(attributes)
        elif tag == "form":
            self.forms.append(
                {"method": attributes.get("method", "get").lower(), "csrf": False, **attributes}
            )
        elif tag == "input" and attributes.get("name") == "csrfmiddlewaretoken" and self.forms:
            self.forms[-1]["csrf"] = True

    def handle_endtag(self, tag):
        if tag == "form" and self.forms:
            self.post_forms.append(self.forms.pop())

    def close(self):
        super().close()
        self.post_forms += self.forms
        self.post_forms = [form for form in self.post_forms if form["method"] == "post"]


def script_sources(header: str) -> list[str]:
    for directive in header.split(";"):
        name, *sources = directive.split()
        if name == "script-src":
            return sources
    return []


def problems(response) -> list[str]:
    """What is wrong with one HTML answer (an empty list when nothing is)."""
    header = response.get("Content-Security-Policy", "")
    if not header:
        return ["no Content-Security-Policy header"]
    found = []
    sources = script_sources(header)
    nonces = [s.removeprefix("'nonce-").removesuffix("'") for s in sources if s.startswith("'nonce-")]
    # Django sends the nonce only when the page used it: a page without scripts has script-src 'self'.
    if "'self'" not in sources or len(nonces) > 1:
        found.append(f"script-src should be 'self' and at most one nonce: {sources}")
    found += [f"script-src allows {s}" for s in sources if s in UNSAFE_SCRIPT_SOURCES]
    parser = PageParser()
    parser.feed(response.content.decode(response.charset or "utf-8"))
    parser.close()
    for script in parser.scripts:
        if script.get("type", "").lower() in EXECUTABLE_SCRIPT_TYPES and script.get("nonce") not in nonces:
            found.append(f"<script> without the nonce: {script}")
    found += [f"inline event handler {handler}" for handler in parser.handlers]
    found += [f"javascript: URL in {where}" for where in parser.javascript_urls]
    found += [
        f"POST form without csrfmiddlewaretoken: {form}" for form in parser.post_forms if not form["csrf"]
    ]
    return found


def get_following_redirects(client: Client, url: str, hops: int = 5):
    """GET, following redirects within the site (a redirect elsewhere ends the walk: None)."""
    for _ in range(hops):
        response = client.get(url)
        if response.status_code not in (301, 302, 303, 307, 308):
            return response
        target = urlsplit(response["Location"])
        if target.netloc not in ("", "testserver"):
            return None
        url = target.path + (f"?{target.query}" if target.query else "")
    return None


def is_html(response) -> bool:
    return response is not None and response.get("Content-Type", "").startswith("text/html")


def check_every_page(sample: Sample, who: str, include: Callable[[Route], bool]) -> tuple[list[str], int]:
    client = Client()
    if sample.people[who] is not None:
        client.force_login(sample.people[who])
    found, checked = [], 0
    for route, url in pages(sample)[0]:
        if not include(route):
            continue
        response = get_following_redirects(client, url)
        if is_html(response):
            checked += 1
            found += [f"{who} GET {url} ({route.name}): {problem}" for problem in problems(response)]
    return found, checked


# --- the tests ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "citizen", "clerk"])
def test_every_portal_and_workbench_page_has_a_strict_csp_and_csrf(sample, who):
    found, checked = check_every_page(
        sample, who, lambda route: not route.is_admin or route.name == "admin:login"
    )

    assert found == []
    assert checked >= 15  # the walk really reached the pages


def test_every_admin_page_has_a_strict_csp_and_csrf(sample):
    found, checked = check_every_page(sample, "admin", lambda route: route.is_admin)

    assert found == []
    assert checked >= 50


def test_every_page_is_requested(sample):
    _, unbuilt = pages(sample)

    assert unbuilt == [], (
        "pages the CSP test cannot build: give their arguments a sample in `sample()` "
        "or add them to NOT_REQUESTED with the reason"
    )


def test_each_answer_gets_its_own_nonce(client):
    first, second = client.get("/"), client.get("/")

    assert script_sources(first["Content-Security-Policy"]) != script_sources(
        second["Content-Security-Policy"]
    )


class FakeResponse(dict):
    charset = "utf-8"

    def __init__(self, html: str, csp: str):
        super().__init__({"Content-Security-Policy": csp})
        self.content = html.encode()


def test_the_checks_catch_each_kind_of_problem():
    html = """
      <script nonce="abc" src="/static/a.js"></script>
      <script>alert(1)</script>
      <script type="application/json">{"data": 1}</script>
      <button onclick="go()">去</button>
      <a href="javascript:go()">去</a>
      <form method="post"><input name="q"></form>
      <form method="POST"><input type="hidden" name="csrfmiddlewaretoken" value="t"></form>
      <form method="get"></form>
    """

    found = problems(FakeResponse(html, "default-src 'self'; script-src 'self' 'nonce-abc' 'unsafe-inline'"))

    assert found == [
        "script-src allows 'unsafe-inline'",
        "<script> without the nonce: {}",
        "inline event handler <button onclick>",
        "javascript: URL in <a href>",
        "POST form without csrfmiddlewaretoken: {'method': 'post', 'csrf': False}",
    ]
    assert problems(FakeResponse(html, "")) == ["no Content-Security-Policy header"]
