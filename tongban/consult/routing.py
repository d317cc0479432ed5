"""Which department should answer a question: suggestions for the moderator, each with the reason.

Read from the question's text, in this order of weight:
1. a department named in it — its full name, its short name, or its name without the region in front
   ("人力资源和社会保障局"): 提问中提到「…」;
2. the catalog's items whose names hold the question's words (the catalog search's own word splitting and
   synonyms, matching item names, never only an organization's name), and the departments that
   implement them: 实施事项「…」; items of the question's topic count more;
3. when nothing else matched and the question has a topic, the departments implementing most items of it.
A place named in the text (鄂州, 江夏区) puts that place's departments first. The moderator decides; any
organization may be chosen.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Count

from tongban.catalog.choices import Theme
from tongban.catalog.models import ServiceItem
from tongban.catalog.search import OTHER_TEXT, items_search, query_parse
from tongban.catalog.selectors import implementations_in_force
from tongban.regions.models import Organization, Region

from .models import Question

MAX_SUGGESTIONS = 6
MAX_WORDS = 10
ITEMS_PER_WORD = 5
MAX_ITEMS = 5
NAMED, WORD, TOPIC, PLACE = 100, 10, 5, 20
PLACE_SUFFIXES = ("市", "区", "县")
SENTENCE = re.compile(r"[，。！？；、,.!?;\s]+")


@dataclass
class _Candidate:
    organization: Organization
    score: int = 0
    reasons: list[str] = field(default_factory=list)

    def add(self, score: int, reason: str) -> None:
        self.score += score
        if reason not in self.reasons:
            self.reasons.append(reason)


def routing_suggest(question: Question) -> list[tuple[Organization, str]]:
    """Up to six (department, why) pairs, the likeliest first."""
    text = question.public_text or question.text
    candidates: dict[int, _Candidate] = {}

    def candidate(org: Organization) -> _Candidate:
        return candidates.setdefault(org.pk, _Candidate(org))

    for org, mention in _named_organizations(text):
        candidate(org).add(NAMED, f"提问中提到「{mention}」")
    for org, item, words in _implementing(text, question.topic):
        score = WORD * len(words) + (TOPIC if item.theme == question.topic else 0)
        said = "、".join(f"“{w}”" for w in words)
        candidate(org).add(score, f"实施事项「{item.name}」（提问中有{said}）")
    if not candidates and question.topic:
        for org in _topic_departments(question.topic):
            candidate(org).add(TOPIC, f"实施「{Theme(question.topic).label}」主题事项较多的部门")
    places = _named_places(text)
    for entry in candidates.values():
        region = entry.organization.region
        if entry.score < NAMED and {region.pk, region.city_id} & set(places):  # named: the place is said
            entry.add(PLACE, f"提问中提到「{places.get(region.pk) or places[region.city_id]}」")
    ranked = sorted(candidates.values(), key=lambda c: (-c.score, c.organization.pk))[:MAX_SUGGESTIONS]
    return [(c.organization, "；".join(c.reasons)) for c in ranked]


def _names_of(org: Organization) -> list[str]:
    names = [org.name, org.short_name]
    for region in (org.region, org.region.city):
        if region is not None and org.name.startswith(region.name):
            names.append(org.name.removeprefix(region.name))
    return [n for n in dict.fromkeys(names) if len(n) >= 3]


def _named_organizations(text: str) -> list[tuple[Organization, str]]:
    """Organizations whose name (or short name, or name without the place) appears in the text; of
    departments sharing a place-less name (every city has a 人力资源和社会保障局), all are found."""
    found = []
    for org in Organization.objects.select_related("region", "region__city").order_by("pk"):
        mention = next((n for n in sorted(_names_of(org), key=len, reverse=True) if n in text), None)
        if mention:
            found.append((org, mention))
    return found


def _named_places(text: str) -> dict[int, str]:
    """Regions named in the text (武汉市 or 武汉), region id → the words used."""
    found = {}
    for region in Region.objects.order_by("pk"):
        names = {region.name, region.short_name}
        if region.name.endswith(PLACE_SUFFIXES) and len(region.name) > 2:
            names.add(region.name[:-1])
        mention = next(
            (n for n in sorted(names, key=len, reverse=True) if n and len(n) >= 2 and n in text), None
        )
        if mention:
            found[region.pk] = mention
    return found


def _words(text: str) -> list[str]:
    """The question's words as the catalog search splits them (synonyms in canonical spelling)."""
    words: list[str] = []
    for sentence in SENTENCE.split(text):
        if sentence:
            words += query_parse(sentence).words
    return list(dict.fromkeys(words))[:MAX_WORDS]


def _implementing(text: str, topic: str) -> list[tuple[Organization, ServiceItem, list[str]]]:
    """(organization, item, the question's words in the item's names) for the best-matching items: most
    words first, then items of the question's topic."""
    matched: dict[int, tuple[ServiceItem, list[str]]] = {}
    for word in _words(text):
        for item in items_search(query=word)[:ITEMS_PER_WORD]:
            if item.relevance > OTHER_TEXT:  # not found through an organization's or a place's name only
                matched.setdefault(item.pk, (item, []))[1].append(word)
    best = sorted(matched.values(), key=lambda m: (-len(m[1]), m[0].theme != topic, m[0].basic_code))
    items = {item.pk: (item, words) for item, words in best[:MAX_ITEMS]}
    implementations = implementations_in_force().filter(service_item_id__in=items).order_by("pk")
    return [(impl.organization, *items[impl.service_item_id]) for impl in implementations]


def _topic_departments(topic: str) -> list[Organization]:
    rows = (
        implementations_in_force()
        .filter(service_item__theme=topic)
        .values("organization")
        .annotate(items=Count("pk"))
        .order_by("-items", "organization")[:3]
    )
    ids = [row["organization"] for row in rows]
    orgs = Organization.objects.select_related("region", "region__city").in_bulk(ids)
    return [orgs[i] for i in ids]
