"""Catalog search: the index rows (SearchEntry) and the queries over them.

Index: for every implementation in force, its names (version name, item name, aliases) normalized
(NFKC, lower case), their full pinyin and pinyin initials (also of the names with synonyms swapped in,
so "sbk" finds 社会保障卡 without an alias), and the filter columns (theme, audience, city, modes, reach).

Query: the phrase (letters and digits of the query) and its words (jieba, stop words dropped, each word
widened to its synonyms). A row matches when the phrase occurs in a name, its pinyin or initials, or its
other text, or when every word (or one of its synonyms) occurs. Relevance is a CASE over the same LIKEs.
Everything is plain LIKE over normalized text — no database-specific full-text features — so SQLite
and PostgreSQL return the same rows in the same order.
"""

import logging
import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import islice, product

from django.db import transaction
from django.db.models import Case, IntegerField, Max, Q, QuerySet, Value, When
from pypinyin import Style, lazy_pinyin

from tongban.regions.selectors import cities

from .choices import Audience, Theme
from .models import Implementation, SearchEntry, ServiceItem
from .selectors import implementations_in_force, reach_for, reach_summary, tongban_implementations

SEPARATOR = "|"
MAX_QUERY_LENGTH = 50  # characters kept of a query: enough for any item name, bounds the SQL
MAX_WORDS = 6
MAX_VARIANTS = 8  # synonym spellings of one name put in the pinyin columns

# The synonym table: each group lists spellings a citizen may use for the same thing. Search widens a
# query word to its group; the index adds the pinyin of names with a group's other spellings swapped in.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("社保卡", "社会保障卡"),
    ("社保", "社会保险", "社会保障"),
    ("医保", "医疗保险", "医疗保障"),
    ("医保卡", "医保电子凭证"),
    ("公积金", "住房公积金"),
    ("户口", "户籍"),
    ("落户", "户口迁入", "户籍迁入"),
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


def synonym_variants(name: str) -> list[str]:
    """The name itself, then the name with synonyms swapped in (社会保障卡申领 → 社保卡申领), at most
    MAX_VARIANTS in a fixed order."""
    matches = list(_synonym_pattern().finditer(name))
    if not matches:
        return [name]
    choices = [_synonym_groups()[m.group()] for m in matches]
    variants = []
    for picked in islice(product(*choices), MAX_VARIANTS * 4):
        parts, end = [], 0
        for match, word in zip(matches, picked, strict=True):
            parts += [name[end : match.start()], word]
            end = match.end()
        variants.append("".join(parts) + name[end:])
    return list(dict.fromkeys([name, *variants]))[:MAX_VARIANTS]


def _alternatives(word: str) -> tuple[str, ...]:
    """A word and its synonyms, without spellings that contain another one (a LIKE on "公积金"
    already finds "住房公积金")."""
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


def _is_text(char: str) -> bool:
    return unicodedata.category(char)[0] in "LN"


def _chunks(text: str) -> list[str]:
    """Runs of letters and digits; everything else (spaces, punctuation, %, _) separates them."""
    return "".join(c if _is_text(c) else " " for c in text).split()


# --- Query parsing ---------------------------------------------------------------------------------


Words = tuple[tuple[str, ...], ...]  # each word of a query with its synonyms


@dataclass(frozen=True)
class ParsedQuery:
    """What a query asks for: the phrase, and the words each of which (or a synonym) must occur."""

    phrase: str
    words: Words

    @property
    def is_pinyin(self) -> bool:
        return self.phrase.isascii() and self.phrase.isalpha()

    @property
    def words_add_nothing(self) -> bool:
        return not self.words or self.words == ((self.phrase,),)


def query_parse(query: str) -> ParsedQuery:
    """Split a citizen's query: "我要补办社保卡" → phrase "我要补办社保卡", words 补办|补领|…, 社保卡|….
    Single characters are dropped as words (they are mostly 办, 去, 查…); the phrase still holds them."""
    chunks = _chunks(normalize(query)[:MAX_QUERY_LENGTH])
    tokens = []
    for chunk in chunks:
        tokens += [chunk] if chunk.isascii() else _tokenizer().lcut(chunk)
    words = [t for t in dict.fromkeys(tokens) if len(t) > 1 and t not in STOP_WORDS]
    return ParsedQuery(phrase="".join(chunks), words=tuple(_alternatives(w) for w in words[:MAX_WORDS]))


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


class _Lookups:
    """Builds Q objects on SearchEntry columns, directly or through a relation (`prefix`)."""

    def __init__(self, prefix: str = ""):
        self.prefix = prefix

    def __call__(self, column: str, lookup: str, value: object) -> Q:
        return Q(**{f"{self.prefix}{column}__{lookup}": value})

    def any_of(self, columns: Iterable[str], values: Iterable[str]) -> Q:
        q = Q()
        for column, value in product(columns, values):
            q |= self(column, "contains", value)
        return q

    def word(self, alternatives: tuple[str, ...], columns: tuple[str, ...], pinyin: bool) -> Q:
        """One of a word's alternatives in one of the columns; with `pinyin`, a Latin word may also be
        found in the pinyin columns."""
        latin = pinyin and all(w.isascii() for w in alternatives)
        return self.any_of((*columns, "pinyin", "initials") if latin else columns, alternatives)

    def every_word(self, words: Words, columns: tuple[str, ...], pinyin: bool = False) -> Q:
        q = Q()
        for alternatives in words:
            q &= self.word(alternatives, columns, pinyin)
        return q

    def some_word(self, words: Words, columns: tuple[str, ...], pinyin: bool = False) -> Q:
        q = Q()
        for alternatives in words:
            q |= self.word(alternatives, columns, pinyin)
        return q


def _tiers(parsed: ParsedQuery, on: _Lookups) -> list[tuple[int, Q]]:
    phrase = parsed.phrase
    tiers = [
        (EXACT_NAME, on("name", "exact", phrase)),
        (NAME_PREFIX, on("name", "startswith", phrase)),
        (PHRASE_IN_NAME, on("name", "contains", phrase)),
        (PHRASE_IN_NAMES, on("names", "contains", phrase)),
    ]
    if not parsed.words_add_nothing:
        tiers += [
            (WORDS_IN_NAME, on.every_word(parsed.words, ("name",))),
            (WORDS_IN_NAMES, on.every_word(parsed.words, ("names",))),
        ]
    if parsed.is_pinyin:
        tiers += [
            (PHRASE_IN_PINYIN, on("pinyin", "contains", phrase)),
            (PHRASE_IN_INITIALS, on("initials", "contains", phrase)),
        ]
    return tiers


def _match(parsed: ParsedQuery, on: _Lookups) -> Q:
    """The WHERE of a query: only the widest conditions (each tier implies one of them), so that the
    database evaluates few LIKEs per row; on PostgreSQL each one can use a trigram index."""
    columns = ("names", "extra")
    match = on.any_of(columns, [parsed.phrase])
    if parsed.is_pinyin:
        match |= on.any_of(("pinyin", "initials"), [parsed.phrase])
    if not parsed.words_add_nothing:
        # Every word somewhere ("武汉" may name the city), at least one in a name: an organization's
        # name alone (…社会保障局) must not make all its items match "社保".
        in_names = on.some_word(parsed.words, ("names",), pinyin=True)
        if len(parsed.words) > 1:
            in_names &= on.every_word(parsed.words, columns, pinyin=True)
        match |= in_names
    return match


def _relevance(parsed: ParsedQuery | None, on: _Lookups) -> Case | Value:
    if parsed is None:
        return Value(0)
    whens = [When(q, then=Value(score)) for score, q in _tiers(parsed, on)]
    return Case(*whens, default=Value(OTHER_TEXT), output_field=IntegerField())


def _filters(filters: SearchFilters, on: _Lookups) -> Q:
    q = Q()
    if filters.theme:
        q &= on("theme", "exact", filters.theme)
    if filters.city:
        q &= on("city__key", "exact", filters.city)
    if filters.mode:
        q &= on("modes", "contains", f",{filters.mode},")
    if filters.audience:
        q &= on("audience", "in", [filters.audience, Audience.BOTH])
    if filters.receivable_in:
        q &= on("reach", "contains", f",{filters.receivable_in},")
    return q


def _parsed(query: str) -> ParsedQuery | None:
    """None for a blank query (list everything); a phrase-less parse means nothing searchable."""
    return query_parse(query) if query.strip() else None


def _where(parsed: ParsedQuery | None, filters: SearchFilters, on: _Lookups) -> Q:
    where = _filters(filters, on)
    if parsed is not None:
        # A query of punctuation alone matches nothing (a blank query, by contrast, lists everything).
        where &= _match(parsed, on) if parsed.phrase else Q(pk__in=[])
    return where


def implementations_search(
    *, query: str = "", filters: SearchFilters = SearchFilters()
) -> QuerySet[SearchEntry]:
    """Index rows matching the query and filters, best first (`relevance`), then by basic code and
    implementation code, so that equals keep one order on every database."""
    parsed, on = _parsed(query), _Lookups()
    return (
        SearchEntry.objects.filter(_where(parsed, filters, on))
        .annotate(relevance=_relevance(parsed, on))
        .select_related("implementation__current", "service_item", "organization", "city")
        .order_by("-relevance", "service_item__basic_code", "implementation__code")
    )


def items_search(*, query: str = "", filters: SearchFilters = SearchFilters()) -> QuerySet[ServiceItem]:
    """Distinct items having at least one matching implementation, ordered by their best-matching
    implementation's relevance (annotated as `relevance`), then by basic code."""
    parsed, on = _parsed(query), _Lookups("implementations__search_entry__")
    # One filter() call, then the aggregate: Django reuses the join, so Max() sees matching rows only.
    return (
        ServiceItem.objects.filter(_where(parsed, filters, on), implementations__search_entry__isnull=False)
        .annotate(relevance=Max(_relevance(parsed, on)))
        .order_by("-relevance", "basic_code")
    )


# --- Index -----------------------------------------------------------------------------------------


@lru_cache(maxsize=20_000)
def _name_keys(name: str) -> tuple[str, str]:
    """Full pinyin and initials of a name and of its synonym variants (cached: at scale the same
    names recur for every organization implementing an item)."""
    variants = synonym_variants(name)
    pinyin = dict.fromkeys(pinyin_full(v) for v in variants)
    initials = dict.fromkeys(pinyin_initials(v) for v in variants)
    return SEPARATOR.join(p for p in pinyin if p), SEPARATOR.join(i for i in initials if i)


def _names(impl: Implementation) -> list[str]:
    names = [impl.current.name, impl.service_item.name, *impl.service_item.aliases]
    return list(dict.fromkeys(normalize(n) for n in names if n.strip()))


@dataclass(frozen=True)
class _Context:
    all_city_ids: list[int]
    city_keys: dict[int, str]
    tongban_ids: set[int]


def _entry(impl: Implementation, reach, ctx: _Context) -> SearchEntry:
    names = _names(impl)
    keys = [_name_keys(n) for n in names]
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
        pinyin=SEPARATOR.join(p for p, _ in keys if p),
        initials=SEPARATOR.join(i for _, i in keys if i),
        extra=normalize(
            " ".join(dict.fromkeys([*filter(None, extra), Theme(impl.service_item.theme).label]))
        ),
        promised_days=impl.current.promised_days,
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
    impls = implementations_in_force().defer(
        "current__conditions",
        "current__handling_process",
        "current__form_schema",
        "service_item__legal_basis",
    )
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
