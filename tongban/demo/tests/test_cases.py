"""The demo cases: every status and mode, red and yellow lights, timelines that lead to each status,
deadlines as the code computes them, and the accounts that see them (citizens their own, staff their
inboxes). Resetting the demo removes them with everything that hangs off them.

The demo is loaded once for the module (it takes seconds), with its scans in a temporary folder, in a
transaction rolled back afterwards; tests that change it run inside their own, which pytest-django rolls
back.
"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.test import override_settings
from django.utils import timezone

from tongban.cases.choices import Action, CaseStatus, Decision, StepStatus
from tongban.cases.models import (
    Case,
    CaseEvent,
    CaseMaterial,
    CaseStep,
    CorrectionNotice,
    Light,
    MaterialKind,
    Shipment,
    ShipmentStatus,
)
from tongban.cases.selectors import OPEN_STATUSES, cases_visible, inbox_cases
from tongban.cases.services import case_clock, deadline_refresh, step_clock
from tongban.cases.sweep import DEADLINE_FIELDS
from tongban.catalog.choices import Mode
from tongban.demo import demo_load
from tongban.demo.cases import demo_cases_create
from tongban.demo.cases_data import STORIES
from tongban.demo.loader import demo_remove
from tongban.identity.access import actor_for
from tongban.notifications.models import Notification
from tongban.regions.models import Window

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, media):
    """Loaded in a transaction that is rolled back after the module (as TestCase.setUpTestData is):
    nothing it writes — the cases' audit entries, the deliveries queued on commit — outlives the module."""
    module = transaction.atomic()
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER, MEDIA_ROOT=media):
        module.__enter__()
        summary = demo_load()
    yield summary
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        module.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _scans_in_the_temporary_folder(settings, media):
    settings.MEDIA_ROOT = media


def user(username: str):
    return get_user_model().objects.get(username=username)


def actor(username: str):
    return actor_for(user(username))


# --- What is there ------------------------------------------------------------------------------------


def test_every_story_is_a_case_in_every_status_and_mode(db, demo):
    cases = Case.objects.all()

    assert cases.count() == len(STORIES)
    assert 40 <= cases.count() <= 80
    assert set(cases.values_list("status", flat=True)) == set(CaseStatus.values)
    assert set(cases.values_list("mode", flat=True)) == set(Mode.values)
    decided = cases.filter(status=CaseStatus.DECIDED)
    assert set(decided.values_list("decision", flat=True)) == set(Decision.values)


def test_each_mode_reaches_the_workflows_middle_and_several_cities(db, demo):
    for mode in Mode.values:
        cases = Case.objects.filter(mode=mode)
        cities = {c.receiving_org.region.city_id for c in cases} | {
            c.handling_org.region.city_id for c in cases
        }

        assert {CaseStatus.IN_REVIEW, CaseStatus.COMPLETED, CaseStatus.WITHDRAWN} <= set(
            cases.values_list("status", flat=True)
        ), mode
        assert len(cities) >= 2, mode
    same_city = Case.objects.filter(
        mode=Mode.PROXY, receiving_org__region__city=F("handling_org__region__city")
    )
    assert not same_city.exists()


def test_proxy_cases_go_both_ways_between_wuhan_and_ezhou(db, demo):
    proxy = Case.objects.filter(mode=Mode.PROXY)

    assert proxy.filter(receiving_org__region__name="鄂州市", handling_org__region__name="武汉市").exists()
    assert proxy.filter(receiving_org__region__name="武汉市", handling_org__region__name="鄂州市").exists()
    assert proxy.filter(receiving_org__region__name="黄石市").exists()


def test_red_and_yellow_cases_are_open_and_in_the_supervisors_lights(db, demo):
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES)
    lights = inbox_cases(actor("wuhan-supervisor"), "lights")

    assert open_cases.filter(light=Light.RED).count() >= 3
    assert open_cases.filter(light=Light.YELLOW).count() >= 3
    assert {Light.RED, Light.YELLOW} <= set(lights.values_list("light", flat=True))
    assert CaseStep.objects.filter(light=Light.RED, status=StepStatus.ACTIVE).exists()


def test_deadlines_are_what_the_code_computes_today(db, demo):
    """As the sweep keeps them: a running clock's fields as of today; a paused one's stand still."""
    today = timezone.localdate()
    for case in Case.objects.filter(paused_since=None):
        stored = {name: getattr(case, name) for name in DEADLINE_FIELDS}
        deadline_refresh(case, case_clock(case), today)

        assert {name: getattr(case, name) for name in DEADLINE_FIELDS} == stored, case
    for step in CaseStep.objects.exclude(started_on=None).filter(paused_since=None):
        stored = {name: getattr(step, name) for name in DEADLINE_FIELDS}
        deadline_refresh(step, step_clock(step), today)

        assert {name: getattr(step, name) for name in DEADLINE_FIELDS} == stored, step


def test_each_timeline_leads_to_its_cases_status_in_the_past(db, demo):
    now = timezone.now()
    for case in Case.objects.prefetch_related("events"):
        events = list(case.events.order_by("seq"))

        assert events[0].from_status == "" and events[-1].to_status == case.status, case
        assert [e.from_status for e in events[1:]] == [e.to_status for e in events[:-1]], case
        assert [e.at for e in events] == sorted(e.at for e in events), case
        assert events[-1].at < now
        assert timezone.localdate(events[0].at) == timezone.localdate(case.created_at)


def test_joint_cases_have_steps_that_follow_the_case(db, demo):
    joint = Case.objects.filter(mode=Mode.JOINT)
    accepted = joint.exclude(accepted_at=None)

    assert accepted.count() >= 3
    for case in accepted:
        steps = set(case.steps.values_list("status", flat=True))

        assert steps, case
        if case.status == CaseStatus.COMPLETED:
            assert steps == {StepStatus.DONE}
    assert CaseStep.objects.filter(status=StepStatus.OBJECTED).exists()
    assert joint.filter(receiving_org__region__city__name="鄂州市", handling_org__region__city__name="武汉市")
    for case in accepted:  # one acceptance, steps of organizations in two cities
        cities = set(case.steps.values_list("organization__region__city__name", flat=True))
        assert cities == {"武汉市", "鄂州市"}, case
    parallel = CaseStep.objects.filter(case__in=accepted, name__endswith="联办地核查")
    assert parallel.filter(status=StepStatus.DONE).exists()


def test_the_demo_shows_the_rules_users_rely_on(db, demo):
    second = CorrectionNotice.objects.get(is_second=True)
    helper_events = CaseEvent.objects.filter(actor__username="ezhou-helper", on_behalf_of__username="lisi")

    assert second.why_not_first and second.case.status == CaseStatus.CORRECTION_REQUIRED
    assert CaseEvent.objects.filter(action=Action.DEEM_ACCEPTED).count() == 1
    assert CaseEvent.objects.filter(action=Action.ACCEPT_WITH_DEFICIENCY).count() == 2
    assert CaseMaterial.objects.filter(kind=MaterialKind.DEFICIENCY).exclude(promised_on=None).count() == 2
    assert helper_events.filter(action=Action.RESUBMIT).exists()  # 帮办代办: both are named
    assert CaseEvent.objects.filter(action=Action.HAND_OVER, owner_after__username="ezhou-helper").exists()
    assert Case.objects.filter(agent__username="wangwu", applicant__username="zhangsan").exists()
    assert Case.objects.filter(applicant__username="demo-company").count() >= 5
    assert set(Shipment.objects.values_list("status", flat=True)) == set(ShipmentStatus.values)


def test_materials_are_scans_and_license_references(db, demo):
    materials = CaseMaterial.objects.all()

    assert set(materials.values_list("kind", flat=True)) == {
        MaterialKind.UPLOAD,
        MaterialKind.LICENSE,
        MaterialKind.DEFICIENCY,
    }
    assert set(materials.exclude(file="").values_list("content_type", flat=True)) == {
        "application/pdf",
        "image/png",
    }
    scan = materials.filter(content_type="application/pdf").first()
    with scan.file.open("rb") as file:
        assert file.read(5) == b"%PDF-"


# --- Who sees them ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "applicants"),
    [
        ("zhangsan", {"zhangsan"}),
        ("lisi", {"lisi", "demo-company"}),  # and the company he operates
        ("wangwu", {"wangwu", "zhangsan"}),  # and 张三's, under his mandate
        ("demo-company", {"demo-company"}),
    ],
)
def test_citizens_see_their_own_cases_and_no_one_elses(db, demo, username, applicants):
    visible = cases_visible(actor(username))

    assert set(visible.values_list("applicant__username", flat=True)) == applicants
    assert visible.count() == Case.objects.filter(applicant__username__in=applicants).count()


def test_my_cases_lists_the_citizens_newest_case(db, demo, client):
    newest = Case.objects.filter(applicant__username="zhangsan").order_by("-created_at").first()
    someone_else = Case.objects.filter(applicant__username="lisi").order_by("-created_at").first()
    client.force_login(user("zhangsan"))

    page = client.get("/cases/").content.decode()

    assert newest.number_display in page
    assert someone_else.number_display not in page


def test_the_ezhou_clerk_sees_the_proxy_cases_received_at_ezhou(db, demo):
    window = Window.objects.get(hall__organization__name="鄂州市政务服务和大数据管理局", is_cross_city=True)
    received_here = Case.objects.filter(mode=Mode.PROXY, receiving_window=window)
    clerk = actor("ezhou-clerk")

    assert received_here.count() >= 5
    assert set(received_here) <= set(cases_visible(clerk))
    assert set(inbox_cases(clerk, "receive")) >= set(received_here.filter(status=CaseStatus.RECEIVED))
    assert inbox_cases(clerk, "receive").filter(receiving_window=window).exists()


def test_one_case_of_each_status_shows_to_its_applicant_and_its_handler(db, demo, client):
    handlers = {story.item.organization: story.item.handler for story in STORIES}
    for status in CaseStatus.values:
        case = Case.objects.filter(status=status).select_related("applicant", "handling_org").last()
        applicant = user("lisi") if case.applicant.username == "demo-company" else case.applicant

        client.force_login(applicant)
        assert client.get(f"/cases/{case.number}/").status_code == 200, case
        client.force_login(user(handlers[case.handling_org.name]))
        assert client.get(f"/workbench/cases/{case.number}/").status_code == 200, case


@pytest.mark.parametrize(
    ("username", "tabs"),
    [
        ("ezhou-clerk", ("receive", "accept", "corrections", "review", "paused", "lights", "shipments")),
        ("wuhan-clerk", ("receive", "review", "lights", "shipments")),
        ("huangshi-clerk", ("receive", "accept", "corrections", "paused", "shipments")),
        ("wuhan-reviewer", ("accept", "corrections", "review", "lights", "shipments")),
        ("ezhou-reviewer", ("accept", "corrections", "review", "lights")),
        ("huangshi-reviewer", ("accept", "review", "lights", "shipments")),
        ("ezhou-helper", ("receive", "paused", "lights", "shipments")),
        ("huangshi-supervisor", ("corrections", "paused", "lights", "shipments")),
    ],
)
def test_staff_inboxes_have_work(db, demo, username, tabs):
    staff = actor(username)

    assert [tab for tab in tabs if not inbox_cases(staff, tab).exists()] == []


def test_notifications_reached_applicants_and_the_lights_reached_owners_and_supervisors(db, demo):
    case_news = Notification.objects.filter(kind__startswith="case.")

    assert case_news.filter(recipient__username="zhangsan").exists()
    assert case_news.filter(kind="case.light_red", recipient__username="wuhan-supervisor").exists()
    assert case_news.filter(kind="case.light_yellow").exists()


# --- Loading again, resetting --------------------------------------------------------------------------


def test_loading_again_creates_no_case(db, demo):
    counts = (Case.objects.count(), CaseEvent.objects.count(), Notification.objects.count())

    assert demo_load().loaded is False
    assert demo_cases_create() == []
    assert (Case.objects.count(), CaseEvent.objects.count(), Notification.objects.count()) == counts


def test_removing_the_demo_removes_its_cases_and_their_scans(
    db, demo, media, django_capture_on_commit_callbacks
):
    scans = [m.file.name for m in CaseMaterial.objects.exclude(file="")]

    with django_capture_on_commit_callbacks(execute=True):
        demo_remove()

    assert (Case.objects.count(), CaseEvent.objects.count(), Shipment.objects.count()) == (0, 0, 0)
    assert not Notification.objects.filter(Q(kind__startswith="case.") | Q(recipient__username="zhangsan"))
    assert not any((media / name).exists() for name in scans)


def test_reset_loads_the_cases_again(db, demo):
    before = sorted(Case.objects.values_list("status", "mode", "light"))
    first = Case.objects.order_by("created_at").first()

    summary = demo_load(reset=True)

    assert summary.loaded is True
    assert sorted(Case.objects.values_list("status", "mode", "light")) == before
    assert not Case.objects.filter(pk=first.pk).exists()
    assert Case.objects.order_by("created_at").first().created_at.date() < dt.date.today()
