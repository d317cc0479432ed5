"""The 委托代办 pages: list, new, detail, revoke, through the test client."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tongban.catalog.tests.factories import ServiceItemFactory
from tongban.core.models import AuditEntry
from tongban.identity.choices import Role
from tongban.identity.models import Mandate
from tongban.identity.services.mandates import AGENT_UNKNOWN

from .factories import CompanyFactory, MandateFactory, PersonFactory, StaffRoleFactory, make_id_number

pytestmark = pytest.mark.django_db

LIST = "/account/mandates/"
NEW = "/account/mandates/new/"


def detail(mandate) -> str:
    return f"/account/mandates/{mandate.pk}/"


def revoke(mandate) -> str:
    return f"/account/mandates/{mandate.pk}/revoke/"


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def form_data(agent, **overrides) -> dict:
    today = timezone.localdate()
    return {
        "agent_name": agent.real_name,
        "agent_id_number": agent.id_number,
        "scope": "all",
        "item_codes": "",
        "starts_on": today.isoformat(),
        "expires_on": (today + datetime.timedelta(days=60)).isoformat(),
        "note": "",
    } | overrides


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_the_pages_need_a_signed_in_user(client):
    mandate = MandateFactory()

    for url in (LIST, NEW, detail(mandate), revoke(mandate)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/login/?next={url}"


def test_the_list_shows_given_and_received_with_masked_id_numbers():
    person = PersonFactory(real_name="陈红")
    agent = PersonFactory(real_name="刘洋", id_number=make_id_number(71))
    principal = PersonFactory(real_name="周敏", id_number=make_id_number(72))
    MandateFactory(principal=person.user, agent=agent)
    MandateFactory(principal=principal.user, agent=person)
    MandateFactory(agent=PersonFactory(real_name="旁人"))

    response = signed_in(person.user).get(LIST)

    html = response.content.decode()
    assert response.status_code == 200
    given, received = html.split('id="given"')[1].split('id="received"')
    assert "刘洋" in given and "4201**********" + make_id_number(71)[-4:] in given
    assert "周敏" in received and "4201**********" + make_id_number(72)[-4:] in received
    assert make_id_number(71) not in html and make_id_number(72) not in html
    assert "旁人" not in html
    assert 'href="/account/mandates/new/"' in html


def test_staff_see_no_create_button_and_the_form_is_not_theirs():
    staff = StaffRoleFactory(role=Role.WINDOW_CLERK).user
    client = signed_in(staff)

    assert 'href="/account/mandates/new/"' not in client.get(LIST).content.decode()
    assert client.get(NEW).status_code == 404
    assert client.post(NEW, form_data(PersonFactory())).status_code == 404
    assert Mandate.objects.count() == 0


def test_creating_a_mandate_leads_to_its_page():
    principal, agent = PersonFactory(), PersonFactory(real_name="李娜")
    items = ServiceItemFactory.create_batch(2, name="社会保障卡补领")
    client = signed_in(principal.user)
    assert client.get(NEW).status_code == 200

    response = client.post(
        NEW, form_data(agent, scope="items", item_codes=f"{items[0].basic_code}，{items[1].basic_code}\n")
    )

    mandate = Mandate.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(mandate)
    assert (mandate.principal, mandate.agent, mandate.item_codes) == (
        principal.user,
        agent,
        [items[0].basic_code, items[1].basic_code],
    )
    page = client.get(detail(mandate)).content.decode()
    assert "李娜" in page and "社会保障卡补领" in page and items[1].basic_code in page
    assert agent.id_number not in page
    assert "撤销委托" in page


def test_refused_input_is_shown_next_to_the_field_and_creates_nothing():
    principal, agent = PersonFactory(), PersonFactory()
    client = signed_in(principal.user)

    response = client.post(NEW, form_data(agent, agent_name="别人", scope="items", item_codes="990000000001"))

    html = response.content.decode()
    assert response.status_code == 400
    assert f'<p class="field-error" id="id_agent_id_number-error">{AGENT_UNKNOWN}</p>' in html
    assert (
        '<p class="field-error" id="id_item_codes-error">以下事项编码在事项目录中不存在：990000000001。</p>'
        in html
    )
    assert 'aria-describedby="id_agent_id_number-error"' in html
    assert Mandate.objects.count() == 0
    assert agent.id_number not in html.replace(f'value="{agent.id_number}"', "")


def test_missing_and_malformed_fields_get_chinese_messages():
    principal = PersonFactory()

    response = signed_in(principal.user).post(NEW, {"scope": "all", "starts_on": "明天"})

    html = response.content.decode()
    assert response.status_code == 400
    assert '<p class="field-error" id="id_agent_name-error">请填写受托人姓名。</p>' in html
    assert (
        '<p class="field-error" id="id_starts_on-error">生效日期格式不正确，请按“2026-12-01”填写。</p>'
        in html
    )
    assert '<p class="field-error" id="id_expires_on-error">请填写到期日期。</p>' in html
    assert Mandate.objects.count() == 0


def test_the_form_checks_the_csrf_token():
    principal, agent = PersonFactory(), PersonFactory()

    response = signed_in(principal.user, enforce_csrf_checks=True).post(NEW, form_data(agent))

    assert response.status_code == 403
    assert Mandate.objects.count() == 0


def test_too_many_attempts_are_refused(settings):
    principal, agent = PersonFactory(), PersonFactory()
    client = signed_in(principal.user)
    for n in range(20):
        client.post(NEW, form_data(agent, agent_name="猜", agent_id_number=make_id_number(800 + n)))

    response = client.post(NEW, form_data(agent))

    assert response.status_code == 429
    assert Mandate.objects.count() == 0


def test_another_persons_mandate_answers_404_and_the_denial_is_recorded():
    mandate = MandateFactory()
    stranger = PersonFactory()
    client = signed_in(stranger.user)

    assert client.get(detail(mandate)).status_code == 404
    assert client.get(revoke(mandate)).status_code == 404
    assert client.post(revoke(mandate)).status_code == 404

    mandate.refresh_from_db()
    assert mandate.revoked_at is None
    denials = AuditEntry.objects.filter(action="access.denied", actor_id=stranger.user.pk)
    assert denials.count() == 3
    assert denials.first().detail["answer"] == 404


def test_the_agent_sees_the_mandate_but_cannot_revoke_it():
    mandate = MandateFactory()
    client = signed_in(mandate.agent.user)

    page = client.get(detail(mandate)).content.decode()
    response = client.post(revoke(mandate))

    assert "撤销委托" not in page
    assert response.status_code == 403
    mandate.refresh_from_db()
    assert mandate.revoked_at is None


def test_the_principal_confirms_then_revokes():
    mandate = MandateFactory()
    client = signed_in(mandate.principal)

    confirm = client.get(revoke(mandate))
    response = client.post(revoke(mandate))

    assert confirm.status_code == 200 and "确认撤销" in confirm.content.decode()
    assert response.status_code == 302 and response["Location"] == detail(mandate)
    mandate.refresh_from_db()
    assert mandate.revoked_by == mandate.principal
    page = client.get(detail(mandate)).content.decode()
    assert "已撤销" in page and "撤销委托</a>" not in page


def test_revoking_twice_says_so_and_changes_nothing():
    mandate = MandateFactory()
    client = signed_in(mandate.principal)
    client.post(revoke(mandate))
    mandate.refresh_from_db()
    first = mandate.revoked_at

    response = client.post(revoke(mandate))

    assert response.status_code == 409
    assert "无需再次撤销" in response.content.decode()
    mandate.refresh_from_db()
    assert mandate.revoked_at == first
    assert AuditEntry.objects.filter(action="mandate.revoked").count() == 1


def test_the_list_reads_a_fixed_number_of_queries(django_assert_num_queries):
    person = PersonFactory()
    MandateFactory(principal=person.user)
    MandateFactory(agent=person)
    client = signed_in(person.user)
    client.get(LIST)  # the session and the actor's grants warm up the same way each time
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    MandateFactory.create_batch(5, principal=person.user)
    MandateFactory.create_batch(5, agent=person)
    MandateFactory(principal=CompanyFactory().user, agent=person)

    with django_assert_num_queries(len(few.captured_queries)):
        client.get(LIST)
