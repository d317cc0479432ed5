"""Catalog search: the index rows (SearchEntry) and the queries over them.

Index: for every implementation in force, its names (version name, item name, aliases) normalized
(NFKC, lower case) as written and in canonical synonym spelling (社会保障卡补领 → 社保卡补办), the full
pinyin and pinyin initials of each (so "sbk" finds 社会保障卡 without an alias), its other text
(organization, region, theme) and the filter columns (theme, audience, city, modes, reach).

Query: the phrase (letters and digits of the query) and its words (jieba, stop words dropped, canonical
spelling). A row matches when the phrase occurs in a name, its pinyin or initials, or its other text, or
when every word occurs. Relevance is a CASE over LIKEs on the same columns. Everything is plain LIKE
over normalized text — no database-specific full-text features — so SQLite and PostgreSQL return the
same rows in the same order.
"""

import logging
import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache, reduce
from itertools import product
from operator import and_, or_

from django.db import transaction
from django.db.models import Case, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from pypinyin import Style, lazy_pinyin

from tongban.regions.selectors import cities

from .choices import Audience, Theme
from .models import Implementation, SearchEntry, ServiceItem
from .selectors import implementations_in_force, reach_for, reach_summary, tongban_implementations

SEPARATOR = "|"
MAX_QUERY_LENGTH = 50  # characters kept of a query: enough for any item name, bounds the SQL
MAX_WORDS = 6

# The synonym table: each group lists spellings a citizen may use for the same thing, the first one
# canonical. The index holds every name also in canonical spelling (社会保障卡补领 → 社保卡补办) and
# a query is put in canonical spelling too, so one LIKE finds all spellings. Where one spelling holds
# another group's (户籍迁入 holds 户籍), its canonical spelling holds that group's (户口迁入, 户口).
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("社保卡", "社会保障卡"),
    ("社保", "社会保险", "社会保障"),
    ("医保", "医疗保险", "医疗保障"),
    ("公积金", "住房公积金"),
    ("户口", "户籍"),
    ("户口迁入", "户籍迁入", "落户"),
    ("身份证", "居民身份证"),
    ("驾照", "驾驶证", "机动车驾驶证"),
    ("行驶证", "机动车行驶证"),
    ("补办", "补领", "补换", "补发"),
    ("提取", "支取"),
    ("低保", "最低生活保障"),
    ("失业金", "失业保险金"),
    ("出生证", "出生证明", "出生医学证明"),
    ("准生证", "生育登记", "生育服务证"),
    ("房产证", "不动产权证书", "不动产证"),
    ("残疾证", "残疾人证"),
    ("老年证", "老年人优待证"),
    ("个体户", "个体工商户"),
    ("电动车", "电动自行车"),
)

# Words that carry no meaning for finding an item ("我要在哪里办理社保卡" means "社保卡").
STOP_WORDS = frozenset(
    {
        *("怎么", "怎样", "如何", "怎么办", "怎么样", "哪里", "在哪里", "在哪", "哪儿", "哪个", "什么"),
        *("办理", "办", "申请", "需要", "要", "我要", "我想", "想", "我", "我们", "请问", "可以", "能"),
        *("的", "了", "吗", "呢", "吧", "啊", "在", "去", "到", "和", "与", "及", "或", "是", "有"),
        *("手续", "流程", "材料", "一下", "呀"),
    }
)


# --- Text ------------------------------------------------------------------------------------------


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), lower case, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def pinyin_full(text: str) -> str:
    return "".join(lazy_pinyin(text, errors="ignore"))


def pinyin_initials(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore"))


@cache
def _synonym_groups() -> dict[str, tuple[str, ...]]:
    return {word: group for group in SYNONYMS for word in group}


@cache
def _synonym_pattern() -> re.Pattern[str]:
    # Longest spellings first, so "住房公积金" is found as one, not as "公积金" inside it.
    words = sorted(_synonym_groups(), key=lambda w: (-len(w), w))
    return re.compile("|".join(map(re.escape, words)))


def canonical(text: str) -> str:
    """The text with every synonym in its group's canonical spelling, longest spellings first."""
    return _synonym_pattern().sub(lambda m: _synonym_groups()[m.group()][0], text)


def _alternatives(word: str) -> tuple[str, ...]:
    """A word's spellings, without those that contain another one (a LIKE on "公积金" already finds
    "住房公积金"): for matching the version name, which is not held in canonical spelling."""
    group = _synonym_groups().get(word, (word,))
    return tuple(w for w in group if not any(o != w and o in w for o in group))


@cache
def _tokenizer():
    """jieba's tokenizer, loaded on first use (it takes a second) and quiet, knowing our synonyms."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # jieba's regexes raise SyntaxWarnings on Python ≥ 3.12
        import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for word in _synonym_groups():
        tokenizer.add_word(word)
    return tokenizer


def search_warm_up() -> None:
    """Load the word segmenter now (a web server calls this before forking its workers), so that no
    citizen's first search waits a few seconds for it."""
    _tokenizer().lcut("社会保障卡")


def _is_text(char: str) -> bool:
    return unicodedata.category(char)[0] in "LN"


def _chunks(text: str) -> list[str]:
    """Runs of letters and digits; everything else (spaces, punctuation, %, _) separates them."""
    return "".join(c if _is_text(c) else " " for c in text).split()


# --- Query parsing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedQuery:
    """What a query asks for: the phrase, and the words (canonical spelling) that must all occur."""

    phrase: str
    words: tuple[str, ...]

    @property
    def canonical_phrase(self) -> str:
        return canonical(self.phrase)

    @property
    def is_pinyin(self) -> bool:
        return self.phrase.isascii() and self.phrase.isalpha()


def query_parse(query: str) -> ParsedQuery:
    """Split a citizen's query: "我要补办社会保障卡" → phrase "我要补办社会保障卡", words 补办, 社保卡.
    Single characters are dropped as words (they are mostly 办, 去, 查…); the phrase still holds them."""
    chunks = _chunks(normalize(query)[:MAX_QUERY_LENGTH])
    tokens = []
    for chunk in chunks:
        tokens += [chunk] if chunk.isascii() else _tokenizer().lcut(chunk)
    words = [canonical(t) for t in tokens if len(t) > 1 and t not in STOP_WORDS]
    return ParsedQuery(phrase="".join(chunks), words=tuple(dict.fromkeys(words))[:MAX_WORDS])


# --- Queries ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchFilters:
    """Filters a citizen can set. `city` is the owning city's region key; `receivable_in` a city key
    where the implementation can be received (its own city included)."""

    theme: str | None = None
    city: str | None = None
    mode: str | None = None
    audience: str | None = None
    receivable_in: str | None = None


# Relevance tiers, best first (the first that holds counts).
EXACT_NAME, NAME_PREFIX, PHRASE_IN_NAME, PHRASE_IN_NAMES = 90, 80, 70, 60
WORDS_IN_NAME, WORDS_IN_NAMES, PHRASE_IN_PINYIN, PHRASE_IN_INITIALS, OTHER_TEXT = 50, 40, 30, 20, 10


def _like(column: str, value: str) -> Q:
    return Q(**{f"{column}__contains": value})


def _any_of(columns: Iterable[str], values: Iterable[str]) -> Q:
    q = Q()
    for column, value in product(columns, dict.fromkeys(values)):
        q |= _like(column, value)
    return q


def _in(columns: tuple[str, ...], word: str) -> Q:
    """A word in one of the columns; a Latin word may be pinyin, so the pinyin columns count too."""
    return _any_of((*columns, "pinyin", "initials") if word.isascii() else columns, [word])


def _tiers(parsed: ParsedQuery) -> list[tuple[int, Q]]:
    phrase, words = parsed.phrase, parsed.words
    tiers = [
        (EXACT_NAME, Q(name=phrase)),
        (NAME_PREFIX, Q(name__startswith=phrase)),
        (PHRASE_IN_NAME, _like("name", phrase)),
        (PHRASE_IN_NAMES, _any_of(["names"], [phrase, parsed.canonical_phrase])),
    ]
    if words:
        # The version name is held as written only: there a word counts in any of its spellings.
        tiers += [
            (WORDS_IN_NAME, reduce(and_, (_any_of(["name"], _alternatives(w)) for w in words))),
            (WORDS_IN_NAMES, reduce(and_, (_like("names", w) for w in words))),
        ]
    if parsed.is_pinyin:
        tiers += [
            (PHRASE_IN_PINYIN, _like("pinyin", phrase)),
            (PHRASE_IN_INITIALS, _like("initials", phrase)),
        ]
    return tiers


def _relevance(parsed: ParsedQuery | None) -> Case | Value:
    if parsed is None:
        return Value(0)
    whens = [When(q, then=Value(score)) for score, q in _tiers(parsed)]
    return Case(*whens, default=Value(OTHER_TEXT), output_field=IntegerField())


def _match(parsed: ParsedQuery) -> Q:
    """The WHERE of a query: only the widest conditions (each tier implies one of them), each LIKE
    once, so that the database evaluates few LIKEs per row; on PostgreSQL each can use a trigram index."""
    phrase, words = parsed.phrase, parsed.words
    match = _like("extra", phrase)
    if parsed.is_pinyin:
        match |= _any_of(["pinyin", "initials"], [phrase])
    if len(words) > 1:
        # Every word somewhere ("武汉" may name the city), at least one in a name: an organization's
        # name alone (…社会保障局) must not make all its items match "社保". The words are parts of the
        # phrase, so where the phrase is in a name they are too: the phrase needs no LIKE of its own.
        in_names = reduce(or_, (_in(("names",), w) for w in words))
        return match | (in_names & reduce(and_, (_in(("names", "extra"), w) for w in words)))
    match |= _any_of(["names"], [phrase, parsed.canonical_phrase])
    if words and words[0] != parsed.canonical_phrase:
        match |= _in(("names",), words[0])
    return match


def _filters(filters: SearchFilters) -> Q:
    q = Q()
    if filters.theme:
        q &= Q(theme=filters.theme)
    if filters.city:
        q &= Q(city__key=filters.city)
    if filters.mode:
        q &= _like("modes", f",{filters.mode},")
    if filters.audience:
        q &= Q(audience__in=[filters.audience, Audience.BOTH])
    if filters.receivable_in:
        q &= _like("reach", f",{filters.receivable_in},")
    return q


def _parsed(query: str) -> ParsedQuery | None:
    """None for a blank query (list everything); a phrase-less parse means nothing searchable."""
    return query_parse(query) if query.strip() else None


def _matching(parsed: ParsedQuery | None, filters: SearchFilters) -> QuerySet[SearchEntry]:
    """The matching rows. The selectors use them as a subquery, so that the database finds them in
    one pass over the index table before it joins anything (with the joins in the same query, SQLite
    walked the table through the organization index instead, 2-3× slower at 100,000 rows)."""
    where = _filters(filters)
    if parsed is not None:
        # A query of punctuation alone matches nothing (a blank query, by contrast, lists everything).
        where &= _match(parsed) if parsed.phrase else Q(pk__in=[])
    return SearchEntry.objects.filter(where)


# Long fields a result list never shows: left out of its rows (a page has no use for 20 form definitions).
GUIDE_TEXT = (
    "implementation__current__conditions",
    "implementation__current__handling_process",
    "implementation__current__form_schema",
    "service_item__legal_basis",
)


def implementations_search(
    *, query: str = "", filters: SearchFilters = SearchFilters()
) -> QuerySet[SearchEntry]:
    """Index rows matching the query and filters, best first (`relevance`), then by basic code and
    implementation code, so that equals keep one order on every database."""
    parsed = _parsed(query)
    return (
        SearchEntry.objects.filter(pk__in=_matching(parsed, filters).values("pk"))
        .annotate(relevance=_relevance(parsed))
        .select_related("implementation__current", "service_item", "organization", "city")
        .defer(*GUIDE_TEXT)
        .order_by("-relevance", "service_item__basic_code", "implementation__code")
    )


def items_search(*, query: str = "", filters: SearchFilters = SearchFilters()) -> QuerySet[ServiceItem]:
    """Distinct items having at least one matching implementation, ordered by their best-matching
    implementation's relevance (annotated as `relevance`), then by basic code."""
    parsed = _parsed(query)
    matching = _matching(parsed, filters)
    # An item's relevance is its best matching row's: a correlated subquery, run for matching items
    # only (a GROUP BY over the item→implementation→row join had SQLite visit all 100,000 rows, 3× slower).
    best = (
        matching.filter(service_item=OuterRef("pk"))
        .annotate(relevance=_relevance(parsed))
        .order_by("-relevance")
        .values("relevance")[:1]
    )
    return (
        ServiceItem.objects.filter(pk__in=matching.values("service_item"))
        .annotate(relevance=Subquery(best))
        .order_by("-relevance", "basic_code")
    )


# --- Index -----------------------------------------------------------------------------------------


@lru_cache(maxsize=20_000)
def _pinyin(name: str) -> tuple[str, str]:
    """Full pinyin and initials of a name (cached: at scale the same names recur for every
    organization implementing an item)."""
    return pinyin_full(name), pinyin_initials(name)


def _names(impl: Implementation) -> list[str]:
    """Version name, item name and aliases as written, then in canonical spelling."""
    names = [impl.current.name, impl.service_item.name, *impl.service_item.aliases]
    written = [normalize(n) for n in names if n.strip()]
    return list(dict.fromkeys([*written, *map(canonical, written)]))


@dataclass(frozen=True)
class _Context:
    all_city_ids: list[int]
    city_keys: dict[int, str]
    tongban_ids: set[int]


def _entry(impl: Implementation, reach, ctx: _Context) -> SearchEntry:
    names = _names(impl)
    keys = [_pinyin(n) for n in names]
    modes, city_ids = reach_summary(reach, all_city_ids=ctx.all_city_ids)
    region = impl.organization.region
    own_city = region.city
    city_ids.add(own_city.pk)
    extra = [impl.organization.name, impl.organization.short_name, region.name, own_city.name]
    return SearchEntry(
        implementation=impl,
        service_item=impl.service_item,
        organization=impl.organization,
        city=own_city,
        theme=impl.service_item.theme,
        audience=impl.service_item.audience,
        modes="," + ",".join(sorted(modes)) + "," if modes else ",",
        reach="," + ",".join(sorted(ctx.city_keys[c] for c in city_ids)) + ",",
        is_tongban=impl.pk in ctx.tongban_ids,
        name=normalize(impl.current.name),
        names=SEPARATOR.join(names),
        pinyin=SEPARATOR.join(dict.fromkeys(p for p, _ in keys if p)),
        initials=SEPARATOR.join(dict.fromkeys(i for _, i in keys if i)),
        extra=normalize(
            " ".join(dict.fromkeys([*filter(None, extra), Theme(impl.service_item.theme).label]))
        ),
        promised_days=impl.current.promised_days,
    )


# What an index row is made of: loading only these spares building five full models per row.
INDEXED_FIELDS = (
    "service_item__name",
    "service_item__aliases",
    "service_item__theme",
    "service_item__audience",
    "organization__name",
    "organization__short_name",
    "organization__region__name",
    "organization__region__parent",
    "organization__region__city__name",
    "organization__region__city__key",
    "current__name",
    "current__promised_days",
)


def _chunked(qs: QuerySet[Implementation], size: int) -> Iterator[list[Implementation]]:
    """Pages by primary key, so that 100,000 implementations never sit in memory at once."""
    last = 0
    while chunk := list(qs.filter(pk__gt=last).order_by("pk")[:size]):
        yield chunk
        last = chunk[-1].pk


@transaction.atomic
def search_entries_refresh(*, implementation_ids: Iterable[int] | None = None) -> int:
    """Rebuild the index rows of the given implementations (all when None); returns rows written."""
    impls = implementations_in_force().only(*INDEXED_FIELDS)
    stale = SearchEntry.objects.all()
    tongban = tongban_implementations()
    if implementation_ids is not None:
        ids = list(implementation_ids)
        impls, stale, tongban = impls.filter(pk__in=ids), stale.filter(pk__in=ids), tongban.filter(pk__in=ids)
    stale.delete()
    city_list = list(cities())
    ctx = _Context(
        all_city_ids=[c.pk for c in city_list],
        city_keys={c.pk: c.key for c in city_list},
        tongban_ids=set(tongban.values_list("pk", flat=True)),
    )
    written = 0
    for chunk in _chunked(impls, 2000):
        reach = reach_for(chunk)
        SearchEntry.objects.bulk_create([_entry(i, reach.get(i.pk, []), ctx) for i in chunk])
        written += len(chunk)
    return written
