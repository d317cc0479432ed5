"""Triage rules are data that question moderators edit in the workbench: words added and switched off, the
thresholds set within their ranges; everything audited; nobody else may."""

import pytest
from django.urls import reverse

from tongban.core.audit import AuditEntry
from tongban.core.errors import ValidationFailed
from tongban.identity.access import AccessDenied, actor_for
from tongban.identity.choices import Role
from tongban.identity.tests.factories import PersonFactory, StaffRoleFactory

from ..models import TriageThresholds, TriageWord
from ..services_rules import triage_thresholds_set, triage_word_add, triage_word_switch_off

pytestmark = pytest.mark.django_db
URL = "/workbench/questions/rules/"


@pytest.fixture
def moderator():
    return StaffRoleFactory(role=Role.QUESTION_MODERATOR).user


def test_a_moderator_adds_a_word_and_switches_it_off_and_both_are_audited(moderator):
    by = actor_for(moderator)

    word = triage_word_add(by=by, kind="junk", phrase="  随便问问 ", whole=True, note="测试帖")
    again = triage_word_add(by=by, kind="junk", phrase="随便问问")
    triage_word_switch_off(by=by, word_id=word.pk)
    word.refresh_from_db()

    assert again.pk == word.pk and TriageWord.objects.filter(phrase="随便问问").count() == 1
    assert (word.phrase, word.active) == ("随便问问", False)
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("question.triage_word_added") == 2
    assert "question.triage_word_switched_off" in actions


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"near_duplicate_percent": 30}, "near_duplicate_percent"),
        ({"duplicate_days": "很多"}, "duplicate_days"),
        ({"min_chars": 0}, "min_chars"),
    ],
)
def test_a_threshold_out_of_range_names_its_field_and_changes_nothing(moderator, values, field):
    before = TriageThresholds.current()

    with pytest.raises(ValidationFailed) as refused:
        triage_thresholds_set(by=actor_for(moderator), **({"near_duplicate_percent": 90} | values))

    assert refused.value.errors[0].field == field
    assert TriageThresholds.objects.get(pk=1).near_duplicate_percent == before.near_duplicate_percent


def test_only_moderators_edit_the_rules(client):
    reviewer = StaffRoleFactory(role=Role.REVIEWER).user
    citizen = PersonFactory().user

    with pytest.raises(AccessDenied):
        triage_word_add(by=actor_for(reviewer), kind="abusive", phrase="笨蛋")
    client.force_login(reviewer)
    assert client.get(URL).status_code == 403
    client.force_login(citizen)
    assert client.get(URL).status_code == 403
    assert not TriageWord.objects.filter(phrase="笨蛋").exists()


def test_the_page_lists_the_words_and_shows_errors_beside_the_fields(client, moderator):
    client.force_login(moderator)

    added = client.post(URL, {"what": "add", "kind": "abusive", "phrase": "蠢货"})
    bad = client.post(
        URL, {"what": "thresholds", "near_duplicate_percent": "101", "duplicate_days": "30", "min_chars": "5"}
    )
    page = client.get(URL).content.decode()

    assert added.status_code == 302 and reverse("consult_rules:rules") == URL
    assert bad.status_code == 400 and "近似重复相似度应为50至100之间的整数。" in bad.content.decode()
    assert "蠢货" in page and "不文明用语" in page
    assert TriageThresholds.current().duplicate_days != 30
