"""Statistics on a small board: received, held back and why, published, rejected, merged, answered on time
and late, overdue now, average answer time in working days, per department; supervisors see their regions'
departments only; the period is checked (Chinese errors beside the field)."""

import datetime as dt

import pytest
from django.utils import timezone

from tongban.core.calendar import working_days_between

from ..choices import TriageFlag
from ..selectors_workbench import FlagCount, question_stats
from ..services_answer import answer_give
from ..services_moderation import question_merge, question_reject
from .factories_workbench import board_make, question_make, routed_make

pytestmark = pytest.mark.django_db
URL = "/workbench/questions/stats/"


@pytest.fixture
def board():
    """Eight questions received today: one overdue and one on time at 武汉's 人社局, one answered late at
    江夏区's 医保局, one published at 鄂州's 人社局, one held back as junk, one with personal data, one
    rejected, one merged into the one answered on time."""
    board = board_make()
    today = timezone.localdate()
    long_ago = today - dt.timedelta(days=40)
    by = board.actor(board.moderator)
    answerer, jiangxia = board.actor(board.answerer), board.actor(board.jiangxia_answerer)
    board.overdue = routed_make(board.wuhan_hr, routed_on=long_ago, asks=2)
    board.on_time = routed_make(board.wuhan_hr)
    board.late = routed_make(board.jiangxia_medical, routed_on=long_ago)
    routed_make(board.ezhou_hr)
    question_make("测试", held=True, flags=[{"flag": TriageFlag.JUNK, "why": "整条内容为“测试”"}])
    question_make(flags=[{"flag": TriageFlag.PERSONAL_DATA, "why": "提问内容中有手机号码"}])
    question_reject(question=question_make(), by=by, reason="与政务服务无关")
    question_merge(question=question_make(), into=board.on_time, by=by)
    answer_give(question=board.on_time, by=answerer, text="按时答复。")
    answer_give(question=board.late, by=jiangxia, text="超期答复。")
    board.late_days = working_days_between(long_ago, today)
    return board


def test_the_figures_of_the_period_for_a_moderator(board):
    today = timezone.localdate()

    stats = question_stats(board.actor(board.moderator), start=today, end=today)

    received = (stats.askings, stats.questions, stats.held)
    assert received == (9, 8, 1)
    assert stats.flags == [
        FlagCount("疑似测试或无效内容", 1, 1),
        FlagCount("含个人信息（公开时已遮盖）", 1, 0),
    ]
    assert (stats.published, stats.rejected, stats.merged) == (4, 1, 1)
    assert (stats.on_time, stats.late, stats.overdue) == (1, 1, 1)
    assert stats.average_days == round(board.late_days / 2, 1)
    rows = [
        (r.department.name, r.routed, r.on_time, r.late, r.overdue, r.average_days) for r in stats.departments
    ]
    assert sorted(rows) == sorted(
        [
            ("武汉市人力资源和社会保障局", 1, 1, 0, 1, 0.0),
            ("江夏区医疗保障局", 0, 0, 1, 0, float(board.late_days)),
            ("鄂州市人力资源和社会保障局", 1, 0, 0, 0, None),
        ]
    )


def test_supervisors_see_their_regions_departments_only(board):
    today = timezone.localdate()

    wuhan = question_stats(board.actor(board.wuhan_supervisor), start=today, end=today)
    ezhou = question_stats(board.actor(board.ezhou_supervisor), start=today, end=today)

    assert (wuhan.askings, wuhan.questions, wuhan.published) == (5, 3, 3)
    assert {r.department.name for r in wuhan.departments} == {
        "武汉市人力资源和社会保障局",
        "江夏区医疗保障局",
    }
    assert (ezhou.askings, ezhou.questions, ezhou.on_time, ezhou.overdue) == (1, 1, 0, 0)
    assert [r.department for r in ezhou.departments] == [board.ezhou_hr]


def test_another_period_counts_nothing_received_but_the_overdue_are_overdue_now(board):
    today = timezone.localdate()

    stats = question_stats(
        board.actor(board.moderator), start=today - dt.timedelta(days=10), end=today - dt.timedelta(days=5)
    )

    assert (stats.askings, stats.questions, stats.published, stats.on_time, stats.late) == (0, 0, 0, 0, 0)
    assert stats.overdue == 1 and stats.average_days is None


def test_the_statistics_page_shows_the_figures_and_checks_the_period(client, board):
    client.force_login(board.wuhan_supervisor)

    page = client.get(URL)
    bad = client.get(URL, {"start": "2026-13-01", "end": "2026-03-01"})
    backwards = client.get(URL, {"start": "2026-03-10", "end": "2026-03-01"})

    assert page.status_code == 200
    assert "武汉市人力资源和社会保障局" in page.text and "鄂州市人力资源和社会保障局" not in page.text
    assert bad.status_code == 400 and "开始日期格式有误，请按 2026-03-01 的格式填写。" in bad.text
    assert backwards.status_code == 400 and "结束日期不能早于开始日期。" in backwards.text


def test_only_supervisors_moderators_and_admins_see_statistics(client, board):
    for user in (board.answerer, board.citizen):
        client.force_login(user)
        assert client.get(URL).status_code == 403
    client.force_login(board.moderator)
    assert client.get(URL).status_code == 200
    client.logout()
    assert client.get(URL).status_code == 302
