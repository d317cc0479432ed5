"""Which department should answer a question: suggestions for the moderator, each with the reason.

Read from the question's text:
1. a department named in it — its full name, its short name, or its name without the region in front
   ("人力资源和社会保障局") — comes first: 提问中提到「…」;
2. then the departments implementing the catalog's items whose names hold the question's words (the
   catalog search's own word splitting and synonyms; an item found only through an organization's or a
   place's name does not count): 实施事项「…」. An item scores the share of its name made of the
   question's words (so "企业职工基本养老保险关系转移接续" with 养老保险, 关系, 转移 beats
   "常驻异地工作人员备案" with only 工作), plus a little for each word and for being of the question's
   topic; a department scores its best item and half its second best (both named in the reason);
3. when nothing else matched and the question has a topic, the departments implementing most items of it.
A place named in the text (鄂州, 江夏区) puts that place's departments ahead of equal ones elsewhere. The
moderator decides; any organization may be chosen.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Count

from tongban.catalog.choices import Theme
from tongban.catalog.models import ServiceItem
from tongban.catalog.search import OTHER_TEXT, canonical, items_search, query_parse
from tongban.catalog.search import normalize as search_normalize
from tongban.catalog.selectors import implementations_in_force
from tongban.regions.models import Organization, Region

from .models import Question

MAX_SUGGESTIONS = 6
MAX_WORDS = 16
ITEMS_PER_WORD = 8
MAX_ITEMS = 12
REASONS_PER_DEPARTMENT = 2
# Weights: a named department first; an item's score (about 0.1 to 2) scaled by ITEM; a named place
# decides between departments implementing equally matching items.
NAMED, ITEM, PLACE, WORD_SHARE, TOPIC_SHARE = 1000, 100, 20, 0.1, 0.2
PLACE_SUFFIXES = ("市", "区", "县")
SENTENCE = re.compile(r"[，。！？；、,.!?;\s]+")


@dataclass
class _Candidate:
    organization: Organization
    named: str = ""
    items: list[tuple[float, str]] = field(default_factory=list)
    extra: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def item_score(self) -> float:
        """The best item's score and half the second's: of two departments, the one implementing more
        of the matching items is likelier the one asked about."""
        best = sorted((score for score, _ in self.items), reverse=True)[:2]
        return best[0] + best[1] / 2 if len(best) == 2 else sum(best)

    @property
    def score(self) -> float:
        return (NAMED if self.named else 0) + ITEM * self.item_score + self.extra

    @property
    def why(self) -> str:
        named = [f"提问中提到「{self.named}」"] if self.named else []
        items = [text for _, text in sorted(self.items, key=lambda pair: -pair[0])[:REASONS_PER_DEPARTMENT]]
        return "；".join([*named, *items, *self.notes])


def routing_suggest(question: Question) -> list[tuple[Organization, str]]:
    """Up to six (department, why) pairs, the likeliest first."""
    text = question.public_text or question.text
    candidates: dict[int, _Candidate] = {}

    def candidate(org: Organization) -> _Candidate:
        return candidates.setdefault(org.pk, _Candidate(org))

    for org, mention in _named_organizations(text):
        candidate(org).named = mention
    for org, item, words, score in _implementing(text, question.topic):
        said = "、".join(f"“{w}”" for w in words)
        candidate(org).items.append((score, f"实施事项「{item.name}」（提问中有{said}）"))
    if not candidates and question.topic:
        for org, items in _topic_departments(question.topic):
            candidate(org).notes.append(f"实施「{Theme(question.topic).label}」主题事项较多的部门")
            candidate(org).extra = items
    places = _named_places(text)
    for entry in candidates.values():
        region = entry.organization.region
        if not entry.named and {region.pk, region.city_id} & set(places):  # named: the place is said
            entry.extra += PLACE
            entry.notes.append(f"提问中提到「{places.get(region.pk) or places[region.city_id]}」")
    ranked = sorted(candidates.values(), key=lambda c: (-c.score, c.organization.pk))[:MAX_SUGGESTIONS]
    return [(c.organization, c.why) for c in ranked]


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


def _implementing(text: str, topic: str) -> list[tuple[Organization, ServiceItem, list[str], float]]:
    """(organization, item, the question's words in the item's names, the item's score) for the best
    items (module doc)."""
    words = _words(text)
    found: dict[int, ServiceItem] = {}
    for word in words:
        # Not through an organization's or a place's name only: those rows score OTHER_TEXT.
        for item in items_search(query=word).filter(relevance__gt=OTHER_TEXT)[:ITEMS_PER_WORD]:
            found.setdefault(item.pk, item)
    scored = []
    for item in found.values():
        names = canonical(search_normalize("|".join([item.name, *item.aliases])))
        held = [w for w in words if w in names]
        name = canonical(search_normalize(item.name))
        coverage = min(1.0, sum(len(w) for w in held if w in name) / max(1, len(name)))
        topical = TOPIC_SHARE if topic and item.theme == topic else 0
        scored.append((coverage + WORD_SHARE * len(held) + topical, item, held))
    best = sorted(scored, key=lambda row: (-row[0], row[1].basic_code))[:MAX_ITEMS]
    items = {item.pk: (item, held, score) for score, item, held in best}
    implementations = implementations_in_force().filter(service_item_id__in=items).order_by("pk")
    return [(impl.organization, *items[impl.service_item_id]) for impl in implementations]


def _topic_departments(topic: str) -> list[tuple[Organization, int]]:
    """The three departments implementing most items of the theme, with how many."""
    rows = (
        implementations_in_force()
        .filter(service_item__theme=topic)
        .values("organization")
        .annotate(items=Count("pk"))
        .order_by("-items", "organization")[:3]
    )
    counts = {row["organization"]: row["items"] for row in rows}
    orgs = Organization.objects.select_related("region", "region__city").in_bulk(list(counts))
    return [(orgs[pk], items) for pk, items in counts.items()]
