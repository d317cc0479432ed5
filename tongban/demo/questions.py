"""The demo's question board, played through the board's own services on past working days: each asking
through question_ask (so triage holds back the test posts and the abuse, merges the four-times complaint
and masks the phone number typed as a name), the moderators' publishing, wording and rejections, the
departments' answers and a revision, the askers' ratings — and finally the deadline sweep, which turns the
questions nobody answered red and escalates them to their supervisors."""

import datetime as dt

from django.utils import timezone

from tongban.consult.models import Answer, Question, QuestionAsk, QuestionEvent
from tongban.consult.services_answer import answer_give, answer_revise
from tongban.consult.services_ask import question_ask
from tongban.consult.services_follow import asking_rate
from tongban.consult.services_moderation import question_edit, question_publish, question_reject
from tongban.consult.sweep import questions_sweep
from tongban.core.calendar import calendar_snapshot
from tongban.identity.access import actor_for
from tongban.identity.models import User
from tongban.regions.models import Organization

from .cases import _at
from .questions_data import STORIES, Story

MODERATOR = "wuhan-moderator"


class _Days:
    """Working days back from the demo's anchor (the last working day up to today), at a given hour."""

    def __init__(self):
        self.calendar = calendar_snapshot()
        self.anchor = timezone.localdate()
        while not self.calendar.is_working_day(self.anchor):
            self.anchor -= dt.timedelta(days=1)

    def at(self, back: int, hour: int = 10) -> dt.datetime:
        day, left = self.anchor, back
        while left > 0:
            day -= dt.timedelta(days=1)
            if self.calendar.is_working_day(day):
                left -= 1
        minute = 7 * (back % 8)  # not every question on the hour
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def demo_questions_create() -> int:
    """Play the stories into an empty board; a board with questions is left alone. Returns how many
    questions the board then holds."""
    if Question.objects.exists():
        return 0
    days = _Days()
    users = {u.username: u for u in User.objects.filter(username__in=_usernames())}
    for story in STORIES:
        _play(story, days, users)
    with _at(days.at(0, 17)):
        questions_sweep()
    return Question.objects.count()


def _usernames() -> set[str]:
    names = {MODERATOR}
    for story in STORIES:
        names |= {a.username for a in story.askings if a.username} | ({story.answerer} - {""})
    return names


def _play(story: Story, days: _Days, users: dict[str, User]) -> None:
    asked = []
    for hour, asking in enumerate(story.askings, start=9):
        with _at(days.at(asking.asked, hour)):
            by = actor_for(users.get(asking.username)) if asking.username else actor_for(None)
            asked.append(
                question_ask(
                    by=by,
                    text=asking.text,
                    name=asking.name,
                    anonymous=asking.anonymous,
                    contact=asking.contact,
                    topic=asking.topic,
                )
            )
    question = asked[0].question
    moderator = actor_for(users[MODERATOR])
    if story.reject:
        with _at(days.at(story.askings[-1].asked, 16)):
            question_reject(question=question, by=moderator, reason=story.reject)
        return
    if not story.department:
        return
    with _at(days.at(story.routed, 11)):
        if story.public_text:
            question_edit(
                question=question,
                by=moderator,
                public_text=story.public_text,
                reason="合并重复内容，精简表述",
            )
        department = Organization.objects.get(name=story.department)
        question_publish(question=question, by=moderator, department=department)
    if not story.answer:
        return
    answerer = actor_for(users[story.answerer])
    with _at(days.at(story.answered, 15)):
        answer_give(question=question, by=answerer, text=story.answer)
    if story.revision:
        text, reason, back = story.revision
        with _at(days.at(back, 15)):
            answer_revise(question=question, by=answerer, text=text, reason=reason)
    if story.rating:
        rating, comment = story.rating
        with _at(days.at(max((story.revision or ("", "", story.answered))[2] - 1, 0), 20)):
            asking_rate(asking=asked[0].asking, rating=rating, comment=comment)


def questions_remove() -> None:
    """The board's rows, children first."""
    for model in (QuestionEvent, Answer, QuestionAsk):
        model.objects.all().delete()
    Question.objects.update(merged_into=None)
    Question.objects.all().delete()
