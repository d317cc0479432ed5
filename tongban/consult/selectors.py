"""The question board's public reads: the list, a question's page, what the asker's private link shows,
and the suggestions offered while someone types a question.

Only published questions are public. "Answered" means an `Answer` row exists (an answer is never empty:
the table's check constraint), so a question is never shown as answered on a date alone. Search runs
over the wording the public sees (the moderator's, else the original) and the current answer. Long digit
runs and e-mail-like words are dropped from a query first: the original text may hold a phone or ID
number that public pages mask, and the search must not tell whether it does.
"""

import re
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from tongban.catalog.models import ServiceItem
from tongban.catalog.search import OTHER_TEXT, SYNONYMS, items_search, query_parse
from tongban.core.errors import NotFound
from tongban.core.masking import mask_text
from tongban.regions.models import Organization

from .choices import QuestionStatus
from .models import Answer, Question, QuestionAsk
from .triage import personal_data_mask

MERGE_HOPS = 10  # a merged question's chain of targets is followed this far (merges of merges)
SUGGEST_LIMIT = 5
SUGGEST_WINDOW = 50  # catalog search reads this many characters of a query at a time
SUGGEST_CHARS = 200  # of a question being typed, its first characters give the words to suggest from
MAX_WORDS = 8
NOT_FOUND = "没有找到该提问：提问编号有误，或该提问尚未公开。"

# What a query must not search for: digit runs that may be (part of) a phone, ID or card number, and
# e-mail-like words.
PRIVATE_LOOKING = re.compile(r"\d{5,}|\S*@\S*")


class BoardShow:
    """Which published questions the list shows."""

    ANSWERED = "answered"
    UNANSWERED = "unanswered"
    ALL = "all"
    CHOICES = ((ANSWERED, "已答复"), (UNANSWERED, "待答复"), (ALL, "全部"))


def _newest_answer() -> QuerySet[Answer]:
    return Answer.objects.filter(question=OuterRef("pk")).order_by("-revision")


def questions_public() -> QuerySet[Question]:
    """Published questions with what their rows need: `has_answer` (an Answer row exists), `shown_text`
    (the wording the public sees, before masking) and `answer_text` (the current answer)."""
    return (
        Question.objects.filter(status=QuestionStatus.PUBLISHED)
        .select_related("department")
        .annotate(
            has_answer=Exists(_newest_answer()),
            shown_text=Coalesce(NullIf("public_text", Value("")), "text", output_field=TextField()),
            answer_text=Subquery(_newest_answer().values("text")[:1]),
        )
    )


def search_words(query: str) -> list[str]:
    """A query's words (the catalog's segmentation, stop words dropped), without private-looking parts; a
    query of one character or of a phrase with no word is searched as it stands."""
    cleaned = PRIVATE_LOOKING.sub(" ", query or "")
    words: list[str] = []
    for start in range(0, min(len(cleaned), SUGGEST_CHARS), SUGGEST_WINDOW):
        parsed = query_parse(cleaned[start : start + SUGGEST_WINDOW])
        words += parsed.words or ([parsed.phrase] if parsed.phrase and start == 0 else [])
    return list(dict.fromkeys(words))[:MAX_WORDS]


def _spellings(word: str) -> tuple[str, ...]:
    """A word in every spelling the catalog knows (社保卡, 社会保障卡): questions are kept as typed."""
    for group in SYNONYMS:
        if word in group:
            return group
    return (word,)


def _word_found(word: str) -> Q:
    q = Q()
    for spelling in _spellings(word):
        q |= Q(shown_text__icontains=spelling) | Q(answer_text__icontains=spelling)
    return q


def questions_board(
    *, query: str = "", show: str = BoardShow.ANSWERED, department_id: int | None = None, topic: str = ""
) -> QuerySet[Question]:
    """The public list: answered questions (newest answer first) unless `show` asks for the unanswered
    ones or all (newest published first); every word of the query must occur."""
    questions = questions_public()
    if show == BoardShow.ANSWERED:
        # answered_at is set with the first Answer, in its transaction: filtering on it first lets
        # PostgreSQL walk the index past the unanswered (whose NULLs come first in a descending index)
        # instead of testing every row for an answer (bench/questions.py: 15 ms → 1–2 ms at 50,000).
        questions = (
            questions.filter(answered_at__isnull=False)
            .filter(has_answer=True)
            .order_by("-answered_at", "-id")
        )
    else:
        if show == BoardShow.UNANSWERED:
            questions = questions.filter(has_answer=False)
        questions = questions.order_by("-published_at", "-id")
    if department_id:
        questions = questions.filter(department_id=department_id)
    if topic:
        questions = questions.filter(topic=topic)
    if query.strip():
        words = search_words(query)
        if not words:
            return questions.none()
        for word in words:
            questions = questions.filter(_word_found(word))
    return questions


def board_departments() -> QuerySet[Organization]:
    """The departments that have published questions: the list's filter offers these only."""
    published = Question.objects.filter(status=QuestionStatus.PUBLISHED, department__isnull=False)
    return Organization.objects.filter(pk__in=published.values("department")).order_by(
        "region__sort_order", "name"
    )


def question_final(question: Question) -> Question:
    """The question a merged one lives on in (following merges of merges); any other, itself."""
    hops = 0
    while question.status == QuestionStatus.MERGED and question.merged_into_id and hops < MERGE_HOPS:
        question = Question.objects.select_related("department").get(pk=question.merged_into_id)
        hops += 1
    return question


def question_public_find(public_id: str) -> Question:
    """The published question at this address, or, for a merged one, the published question it was
    merged into (the caller redirects there). Pending, rejected and unknown questions: NotFound alike."""
    question = Question.objects.select_related("department").filter(public_id=public_id).first()
    if question is not None:
        question = question_final(question)
    if question is None or question.status != QuestionStatus.PUBLISHED:
        raise NotFound(NOT_FOUND)
    return questions_public().get(pk=question.pk)


@dataclass(frozen=True)
class CurrentAnswer:
    answer: Answer
    first_at: object  # when the question was first answered
    revised: bool  # the answer was changed after it was first given (shown as 已修改, with when)


def answer_current(question: Question) -> CurrentAnswer | None:
    """The newest revision of the answer, None when there is none."""
    answers = list(
        Answer.objects.filter(question=question).select_related("organization").order_by("revision")
    )
    if not answers:
        return None
    newest = answers[-1]
    return CurrentAnswer(answer=newest, first_at=answers[0].created_at, revised=len(answers) > 1)


def _family_ids(question: Question) -> list[int]:
    """The question and every question merged into it (at any depth): their askers asked the same."""
    ids, frontier = [question.pk], [question.pk]
    for _ in range(MERGE_HOPS):
        frontier = list(Question.objects.filter(merged_into__in=frontier).values_list("pk", flat=True))
        if not frontier:
            break
        ids += frontier
    return ids


@dataclass(frozen=True)
class RatingSummary:
    count: int
    average: float | None
    by_score: tuple[tuple[int, int], ...]  # (score, how many), 5 down to 1


def rating_summary(question: Question) -> RatingSummary:
    """How the askers rated the answer: count, average, and each score's count (comments stay private)."""
    rated = QuestionAsk.objects.filter(question_id__in=_family_ids(question), rating__isnull=False)
    totals = rated.aggregate(count=Count("pk"), average=Avg("rating"))
    counts = dict(rated.values_list("rating").annotate(n=Count("pk")).order_by())
    average = round(float(totals["average"]), 1) if totals["average"] is not None else None
    return RatingSummary(
        count=totals["count"], average=average, by_score=tuple((s, counts.get(s, 0)) for s in range(5, 0, -1))
    )


@dataclass(frozen=True)
class Suggestions:
    items: list[ServiceItem]
    questions: list[Question]


def _items_named(query: str) -> QuerySet[ServiceItem]:
    """Catalog items whose names match (a match in the other text, such as a city's name, is not enough)."""
    return items_search(query=query).filter(relevance__gt=OTHER_TEXT)


def suggested_items(text: str, words: list[str]) -> list[ServiceItem]:
    """Service items for a question being typed: the catalog search on its beginning, else on each of its
    words, items matching more words first."""
    found = list(_items_named(PRIVATE_LOOKING.sub(" ", text)[:SUGGEST_WINDOW])[:SUGGEST_LIMIT])
    if found or len(words) < 2:
        return found
    hits: dict[int, int] = {}
    by_id: dict[int, ServiceItem] = {}
    for word in words:
        for item in _items_named(word)[:SUGGEST_LIMIT]:
            hits[item.pk] = hits.get(item.pk, 0) + 1
            by_id[item.pk] = item
    ranked = sorted(hits, key=lambda pk: -hits[pk])  # sorted() is stable: first found first among equals
    return [by_id[pk] for pk in ranked[:SUGGEST_LIMIT]]


def suggested_questions(words: list[str]) -> list[Question]:
    """Answered public questions sharing most of the words (at least half of them), best first."""
    if not words:
        return []
    score = sum((_word_score(word) for word in words), Value(0))
    needed = (len(words) + 1) // 2
    return list(
        questions_public()
        .filter(has_answer=True)
        .annotate(score=score)
        .filter(score__gte=needed)
        .order_by("-score", "-answered_at", "-id")[:SUGGEST_LIMIT]
    )


def _word_score(word: str) -> Case:
    return Case(When(_word_found(word), then=Value(1)), default=Value(0), output_field=IntegerField())


def suggestions_for(text: str) -> Suggestions:
    """What to offer while a question is typed: matching service items and already answered questions."""
    text = (text or "").strip()
    if len(text) < 2:
        return Suggestions(items=[], questions=[])
    words = search_words(text)
    return Suggestions(items=suggested_items(text, words), questions=suggested_questions(words))


# --- The asker's private link ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowView:
    """What the asker's private link shows (the page and the API alike)."""

    asking: QuestionAsk
    asked_text: str  # their own words, personal data masked (the page may be seen over a shoulder)
    question: Question  # the question of their asking
    final: Question  # the one it lives on in (itself unless merged)
    joined: bool  # a repeat, or merged in by a moderator: someone else asked the question first
    public: bool
    overdue: bool
    current: CurrentAnswer | None
    answer_text: str  # the current answer, ID and mobile numbers masked


def follow_view(asking: QuestionAsk) -> FollowView:
    question = asking.question
    final = question_final(question)
    current = answer_current(final)
    first = final.askings.order_by("created_at", "pk").values_list("pk", flat=True).first()
    return FollowView(
        asking=asking,
        asked_text=personal_data_mask(asking.text),
        question=question,
        final=final,
        joined=first != asking.pk,
        public=final.status == QuestionStatus.PUBLISHED,
        overdue=current is None and final.due_on is not None and final.due_on < timezone.localdate(),
        current=current,
        answer_text=mask_text(current.answer.text) if current else "",
    )
