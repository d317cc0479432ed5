"""The holder's identity-code page: a real QR code of a fresh code, refreshed by htmx, never cached, for
person and company accounts only, and never the clear ID number."""

import re
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from tongban.core.models import AuditEntry
from tongban.identity.choices import AccountKind
from tongban.identity.models import IdentityCode
from tongban.identity.services.identity_codes import identity_code_qr, identity_code_verify

from .factories import CompanyFactory, PersonFactory, UserFactory, make_id_number
from .identity_code_helpers import clerk_actor, staff

pytestmark = pytest.mark.django_db
TOKEN_IN_PAGE = re.compile(r"data-code-token>([^<]+)</code>")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def refresh_url() -> str:
    """The address htmx polls, as a page opened just now writes it."""
    return f"{reverse('identity:code_refresh')}?opened={int(time.time())}"


def token_in(response) -> str:
    return TOKEN_IN_PAGE.search(response.content.decode()).group(1)


def test_a_person_sees_a_fresh_qr_code_with_the_masked_name(client):
    person = PersonFactory(real_name="张三丰", id_number=make_id_number(9))
    client.force_login(person.user)

    response = client.get(reverse("identity:code"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>我的身份码</h1>" in html
    assert 'class="identity-code__qr" src="data:image/svg+xml' in html
    assert 'alt="张*丰的身份码二维码' in html
    assert make_id_number(9)[:4] + "*" * 10 + make_id_number(9)[-4:] in html
    assert make_id_number(9) not in html
    assert identity_code_verify(token=token_in(response), by=clerk_actor()).account_id == person.user_id


def test_the_page_is_never_cached(client):
    client.force_login(PersonFactory().user)

    response = client.get(reverse("identity:code"))

    assert "no-store" in response["Cache-Control"]


def test_the_qr_code_on_the_page_is_a_real_qr_code(client):
    client.force_login(PersonFactory().user)

    qr = identity_code_qr(token=token_in(client.get(reverse("identity:code"))))

    assert qr.is_micro is False
    assert qr.version >= 1


def test_the_page_asks_htmx_for_a_new_code_before_the_old_one_expires(client):
    client.force_login(PersonFactory().user)

    html = client.get(reverse("identity:code")).content.decode()

    assert f'hx-get="{reverse("identity:code_refresh")}?opened=' in html
    assert 'hx-trigger="every 50s, code-expired"' in html
    assert 'aria-live="polite"' in html
    assert re.search(r'<script src="/static/js/identity-code\.js" nonce="[^"]+" defer></script>', html)


def test_the_refresh_fragment_carries_a_new_code(client):
    client.force_login(PersonFactory().user)
    first = token_in(client.get(reverse("identity:code")))

    response = client.get(refresh_url(), headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "hx-get" not in html
    assert token_in(response) != first
    assert IdentityCode.objects.count() == 2


def test_a_company_sees_its_enterprise_code_with_its_uscc(client):
    company = CompanyFactory()
    client.force_login(company.user)

    html = client.get(reverse("identity:code")).content.decode()

    assert "<h1>我的企业码</h1>" in html
    assert company.uscc in html
    assert IdentityCode.objects.get().user.kind == AccountKind.COMPANY


def test_staff_get_the_not_found_page_and_no_code(client):
    client.force_login(staff())

    response = client.get(reverse("identity:code"))

    assert response.status_code == 404
    assert IdentityCode.objects.count() == 0
    assert AuditEntry.objects.filter(action="access.denied").count() == 1


def test_an_anonymous_visitor_is_sent_to_log_in(client, settings):
    settings.LOGIN_URL = "/login-for-test/"

    response = client.get(reverse("identity:code"))

    assert (response.status_code, response["Location"]) == (302, "/login-for-test/?next=/account/code/")
    assert IdentityCode.objects.count() == 0


def test_issuing_is_rate_limited_per_account(client):
    client.force_login(PersonFactory().user)
    for _ in range(20):
        assert client.get(refresh_url()).status_code == 200

    response = client.get(refresh_url())

    assert response.status_code == 429
    assert IdentityCode.objects.count() == 20


def test_an_account_without_its_real_name_data_is_told_why_it_has_no_code(client):
    client.force_login(UserFactory(kind=AccountKind.PERSON))

    response = client.get(reverse("identity:code"))

    assert response.status_code == 200
    assert "您的账号尚未登记实名信息，暂不能生成身份码。" in response.content.decode()
    assert IdentityCode.objects.count() == 0


def test_after_ten_minutes_the_page_stops_refreshing_so_the_session_can_expire(client):
    client.force_login(PersonFactory().user)
    opened = int(time.time()) - 10 * 60 - 1

    response = client.get(
        reverse("identity:code_refresh"), {"opened": opened}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 286  # htmx stops polling
    assert "身份码页面打开 10 分钟后暂停自动更新" in response.content.decode()
    assert IdentityCode.objects.count() == 0


def test_the_refresh_address_carries_the_time_the_page_was_opened(client):
    client.force_login(PersonFactory().user)

    html = client.get(reverse("identity:code")).content.decode()
    opened = int(re.search(r'hx-get="/account/code/refresh/\?opened=(\d+)"', html).group(1))

    assert abs(opened - time.time()) < 5
