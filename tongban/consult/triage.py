"""Triage on arrival: before anything is public, each asking is judged by rules that are data.

- Junk (test posts) and abusive language hold a question back (`held`): it waits for a moderator apart from
  the others. Junk is a whole-post phrase of the junk list ("测试", "123", also repeated), too few different
  meaningful characters (`TriageThresholds.min_chars`), only digits, or a short post without a single
  Chinese character. Abuse is a phrase of the abusive list anywhere in the text or the name.
- Duplicates are not new questions: the same text, or nearly (rapidfuzz, `near_duplicate_percent`; from
  the same person 10 points less), within `duplicate_days`, adds an asking and a count to the question
  already there (see `duplicate_find`).
- Personal data in the name or the text is flagged; it does not hold the question back, because the public
  only ever sees it masked (`public_name`, `public_text`; personal_data.py finds and masks it).

Every flag says why ({"flag": "junk", "why": "整条就是无效内容词「测试」"}), so a moderator can see which
rule, word or threshold decided, and change the rule if it was wrong.
"""

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models.functions import Length
from django.utils import timezone
from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

from tongban.identity.selectors.codes import mask_name
from tongban.regions.models import Region

from .choices import HOLDING_FLAGS, QuestionStatus, TriageFlag, TriageListKind
from .models import Question, QuestionAsk, TriageThresholds, TriageWord
from .personal_data import kinds_label, personal_data_find, personal_data_mask

__all__ = [
    "Decision",
    "Duplicate",
    "duplicate_find",
    "fingerprint",
    "normalize",
    "personal_data_find",
    "personal_data_mask",
    "public_name",
    "public_text",
    "similarity",
    "triage",
]

ANONYMOUS = "匿名网友"
# From the same person (the same account or the same contact) a repeat is merged at a bar this much lower:
# someone asking again about their own matter rewords more (adds what happened since, writes it anew), and
# a wrong merge costs little — it only joins two askings of one person, who follows both through one link.
SAME_PERSON_ALLOWANCE = 10
# Near duplicates are looked for among at most this many of the latest questions in the window (after the
# exact fingerprint and a length window have narrowed them): rapidfuzz compares two question-sized texts in
# a few microseconds (2000 in about 7 ms, measured). The reach is the price: a repeat of a question older
# than the 2000 latest of its length is not found — about a month back at 10,000 questions in the window,
# about a week at 50,000 (bench/questions.py). On PostgreSQL the candidates' query needs the statistics on
# length(normalized) (migration 0003) to read back from the newest instead of sorting the whole table.
MAX_CANDIDATES = 2000
# "The same text with something added or left out" (containment, see similarity) counts only when the
# shorter text is at least this share of the longer and this long: a short question that happens to appear
# inside a long complaint about something else is no repeat, and 20 characters in order are evidence
# where 7 (公积金怎么提取 inside 异地公积金贷款怎么提取) are not.
CONTAINED_SHARE = 2 / 3
CONTAINED_MIN_CHARS = 20
# A post without one Chinese character shorter than this many times min_chars is junk ("asdfgh", "ok");
# a real question in another language is longer.
LATIN_FACTOR = 3


# --- Comparing texts -----------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """NFKC, lower case, only letters and digits (Chinese characters are letters): no spaces, no
    punctuation of either width, no emoji."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in text if ch.isalnum())


def normalize(text: str) -> str:
    """The text as compared for duplicates and junk: cleaned (see _clean), runs of one character collapsed
    (哈哈哈 → 哈, 1111111 → 1) and a text that is one piece repeated reduced to the piece (测试测试测试 →
    测试), so that the same post typed with other punctuation, spacing or repetition reads the same."""
    # Repeated piece first ("testtest" collapsed first would be "testest"), then runs, then again
    # (测测试试测测试试 → 测测试试 → 测试).
    return _piece(re.sub(r"(.)\1+", r"\1", _piece(_clean(text))))


def _piece(text: str) -> str:
    """The piece a text repeats (测试测试测试 → 测试), or the text."""
    period = (text + text).find(text, 1)  # the shortest p with text == text[:p] * (len / p)
    return text[:period] if 0 < period < len(text) else text


def fingerprint(normalized: str) -> str:
    return hashlib.sha256(normalized.encode()).hexdigest()


def similarity(a: str, b: str) -> int:
    """How alike two normalized texts are, 0–100.

    fuzz.ratio is the Indel similarity, 2·(characters in common, in order) / (both lengths): on Chinese
    without spaces it is the right measure — a typo costs two characters' worth, a word added costs its
    length, and no word segmentation is needed (token ratios would see one "word"). But one person's
    complaint posted again with a clause added here and a word dropped there falls below any sensible bar
    of the ratio (83 % for a 46-character repost of a 59-character one), while nearly every character of
    the shorter is in the longer, in order. So the containment, LCS(short, long) / len(short) — the
    in-order generalisation of fuzz.partial_ratio, which only finds one contiguous window — counts too,
    within CONTAINED_SHARE and CONTAINED_MIN_CHARS, at most 99 (100 is for the same text). Rounded down,
    so 84.9 is not taken for 85."""
    if not a or not b:
        return 0
    score = fuzz.ratio(a, b)
    short, long = sorted((a, b), key=len)
    if len(short) >= max(CONTAINED_SHARE * len(long), CONTAINED_MIN_CHARS):
        contained = 100 * LCSseq.similarity(short, long) / len(short)
        score = max(score, min(contained, 99))
    return int(score)


# --- Junk and abuse ------------------------------------------------------------------------------------


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in text)


def _words(words: Iterable[TriageWord], kind: str) -> list[TriageWord]:
    return [w for w in words if w.kind == kind and w.active]


def _word_hits(phrase: str, text: str, whole: bool) -> bool:
    """A whole-post phrase must be the text; another must appear in it. Both already compared forms."""
    return phrase == text if whole else bool(phrase) and phrase in text


def junk_reasons(text: str, thresholds: TriageThresholds, words: Iterable[TriageWord]) -> list[str]:
    """Why the text is junk (empty when it is not): each rule that matched, with its word or threshold."""
    cleaned, normalized = _clean(text), normalize(text)
    reasons = []
    for word in _words(words, TriageListKind.JUNK):
        # A whole-post phrase matches itself repeated too (normalize reduces 测试测试 to 测试).
        if _word_hits(normalize(word.phrase), normalized, word.whole):
            reasons.append(
                f"整条就是无效内容词「{word.phrase}」" if word.whole else f"含无效内容词「{word.phrase}」"
            )
    if not cleaned:
        reasons.append("没有文字，只有空格或标点")
    elif len(set(cleaned)) == 1 and len(cleaned) > 1:
        reasons.append(f"全文是同一个字符「{cleaned[0]}」的重复")
    elif cleaned.isascii() and cleaned.isdigit():
        reasons.append("只有数字，没有文字")
    elif not _has_chinese(cleaned) and len(cleaned) < LATIN_FACTOR * thresholds.min_chars:
        reasons.append(
            f"不含汉字，且只有{len(cleaned)}个字母或数字（少于{LATIN_FACTOR * thresholds.min_chars}个）"
        )
    distinct = len(set(normalized))
    if cleaned and distinct < thresholds.min_chars:
        reasons.append(f"去掉空格、标点和重复后只有{distinct}个不同的字（少于阈值{thresholds.min_chars}个）")
    return reasons


def abusive_phrases(text: str, words: Iterable[TriageWord]) -> list[str]:
    """The abusive-list phrases in the text. Compared without collapsing repeated characters: 他妈妈的
    collapsed would read 他妈的, and an abusive phrase gains nothing from repetition."""
    cleaned = _clean(text)
    return [
        word.phrase
        for word in _words(words, TriageListKind.ABUSIVE)
        if _word_hits(_clean(word.phrase), cleaned, word.whole)
    ]


# --- Duplicates ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Duplicate:
    target: Question  # the question the asking is merged into (never itself merged or rejected)
    similarity: int
    exact: bool
    same_person: bool
    why: str


@dataclass
class _Candidate:
    pk: int
    normalized: str
    target_pk: int
    score: int = 0


def _contact_key(contact: str) -> str:
    """A contact as compared: 138-1234-5678, +86 13812345678 and 13812345678 are one; e-mail in lower case."""
    key = _clean(contact)
    return key[2:] if len(key) == 13 and key.startswith("86") and key[2] == "1" else key


def _places(normalized: str, names: list[str]) -> frozenset[str]:
    found = [n for n in names if n in normalized]
    return frozenset(n for n in found if not any(n != m and n in m for m in found))  # 黄石港区, not 黄石


def _place_names() -> list[str]:
    names = Region.objects.values_list("name", "short_name")
    return sorted({normalize(n) for pair in names for n in pair if len(n or "") >= 2})


def _targets(rows: dict[int, dict[str, Any]]) -> dict[int, int]:
    """Each question's final target: itself, or where its merges lead (merges flatten, so one hop is the
    rule; a few more are followed in case)."""
    final = {pk: pk for pk in rows}
    for _ in range(5):
        pending = {pk: rows[t]["merged_into_id"] for pk, t in final.items() if rows[t]["status"] == "merged"}
        pending = {pk: into for pk, into in pending.items() if into is not None}
        if not pending:
            break
        missing = set(pending.values()) - rows.keys()
        rows.update({r["pk"]: r for r in Question.objects.filter(pk__in=missing).values(*_ROW)})
        final.update(pending)
    return final


_ROW = ("pk", "normalized", "status", "merged_into_id", "held")


def _people(pks: set[int]) -> dict[int, list[tuple[int | None, str]]]:
    """Who asked each of these questions: (account, contact key) of the question and of its askings."""
    people: dict[int, list[tuple[int | None, str]]] = {pk: [] for pk in pks}
    for q in Question.objects.filter(pk__in=pks).only("asker_id", "contact"):
        people[q.pk].append((q.asker_id, _contact_key(q.contact or "")))
    for a in QuestionAsk.objects.filter(question_id__in=pks).only("question_id", "asker_id", "contact"):
        people[a.question_id].append((a.asker_id, _contact_key(a.contact or "")))
    return people


def duplicate_find(
    normalized: str,
    *,
    held: bool,
    asker_id: int | None,
    contact: str,
    thresholds: TriageThresholds,
    now=None,
) -> Duplicate | None:
    """The question this asking repeats, if any: among the questions of the last `duplicate_days` that are
    not rejected (a merged one stands for its target), held only for held and clean only for clean (a
    test post is never a merge target for a real question), first the same fingerprint, then the most
    similar at or above the bar."""
    if not normalized:
        return None
    since = (now or timezone.now()) - timedelta(days=thresholds.duplicate_days)
    window = Question.objects.filter(created_at__gte=since).exclude(status=QuestionStatus.REJECTED)
    exact = _resolve(list(window.filter(fingerprint=fingerprint(normalized)).values(*_ROW)), held)
    if exact:
        return Duplicate(exact[0], 100, True, False, "文字相同（不计空格、标点和重复的字）")
    return _near(window, normalized, held=held, asker_id=asker_id, contact=contact, thresholds=thresholds)


def _resolve(rows: list[dict[str, Any]], held: bool) -> list[Question]:
    """The final targets of these rows that may take the asking, oldest first, each once."""
    by_pk = {r["pk"]: r for r in rows}
    final = _targets(by_pk)
    ok = [t for t in dict.fromkeys(final.values()) if _takes(by_pk[t], held)]
    return list(Question.objects.filter(pk__in=ok).order_by("created_at", "pk"))


def _takes(row: dict[str, Any], held: bool) -> bool:
    return row["status"] not in (QuestionStatus.REJECTED, QuestionStatus.MERGED) and row["held"] == held


def _near(window, normalized, *, held, asker_id, contact, thresholds) -> Duplicate | None:
    bar = thresholds.near_duplicate_percent
    low = max(bar - SAME_PERSON_ALLOWANCE, 1)
    # Lengths outside this window cannot reach the lower bar: ratio ≤ 2·short/(short+long), and containment
    # needs CONTAINED_SHARE.
    share = min(CONTAINED_SHARE, low / (200 - low)) if low < 100 else 1
    n = len(normalized)
    rows = list(
        window.annotate(n=Length("normalized"))
        .filter(n__gte=int(n * share), n__lte=int(n / share) + 1)
        .order_by("-created_at", "-pk")
        .values(*_ROW)[:MAX_CANDIDATES]
    )
    by_pk = {r["pk"]: r for r in rows}
    final = _targets(by_pk)
    scored = [
        _Candidate(r["pk"], r["normalized"], final[r["pk"]], similarity(normalized, r["normalized"]))
        for r in rows
    ]
    names = _place_names() if any(c.score >= low for c in scored) else []
    places = _places(normalized, names)
    candidates = sorted(  # the most similar first; among equals the latest (rows came newest first)
        (c for c in scored if c.score >= low and _takes(by_pk[c.target_pk], held)),
        key=lambda c: -c.score,
    )
    candidates = [c for c in candidates if _same_places(places, _places(c.normalized, names))]
    if candidates and candidates[0].score >= bar:
        best = candidates[0]
        why = f"相似度{best.score}%，达到近似重复阈值{bar}%"
        return Duplicate(Question.objects.get(pk=best.target_pk), best.score, False, False, why)
    same = _same_person_candidate(candidates, asker_id, _contact_key(contact))
    if same is None:
        return None
    why = f"相似度{same.score}%，同一提问人（同一账号或联系方式）适用较低阈值{low}%"
    return Duplicate(Question.objects.get(pk=same.target_pk), same.score, False, True, why)


def _same_places(mine: frozenset[str], theirs: frozenset[str]) -> bool:
    """黄石的公积金 and 黄冈的公积金 read alike but are two questions: texts naming different places of the
    circle are not duplicates (a text naming none may be either)."""
    return not mine or not theirs or mine == theirs


def _same_person_candidate(candidates: list[_Candidate], asker_id: int | None, key: str) -> _Candidate | None:
    if not candidates or (asker_id is None and not key):
        return None
    people = _people({c.pk for c in candidates} | {c.target_pk for c in candidates})
    for c in candidates:
        for other_id, other_key in people[c.pk] + people[c.target_pk]:
            if (asker_id is not None and other_id == asker_id) or (key and other_key == key):
                return c
    return None


# --- The decision --------------------------------------------------------------------------------------


@dataclass
class Decision:
    normalized: str
    fingerprint: str
    flags: list[dict[str, str]] = field(default_factory=list)  # junk, abusive, personal_data
    duplicate: Duplicate | None = None

    @property
    def held(self) -> bool:
        return any(f["flag"] in HOLDING_FLAGS for f in self.flags)

    @property
    def target(self) -> Question | None:
        return self.duplicate.target if self.duplicate else None

    def why(self, *flags: str) -> str:
        return "；".join(f["why"] for f in self.flags if not flags or f["flag"] in flags)


def _personal_data_why(name: str, text: str) -> str:
    parts = [
        f"{label}中有{kinds_label(kinds)}"
        for label, kinds in (("称呼", personal_data_find(name)), ("提问内容", personal_data_find(text)))
        if kinds
    ]
    return "；".join(parts) + ("，公开时已遮盖" if parts else "")


def triage(
    text: str,
    name: str = "",
    contact: str = "",
    asker_id: int | None = None,
    thresholds: TriageThresholds | None = None,
    words: Iterable[TriageWord] | None = None,
) -> Decision:
    """Judge one asking: its flags with their reasons, and the question it repeats, if any. The contact is
    only compared (same person); it is never public, so personal data in it is expected, not flagged."""
    thresholds = thresholds or TriageThresholds.current()
    words = list(TriageWord.objects.filter(active=True) if words is None else words)
    normalized = normalize(text)
    decision = Decision(normalized, fingerprint(normalized))
    if junk := junk_reasons(text, thresholds, words):
        decision.flags.append({"flag": TriageFlag.JUNK.value, "why": "；".join(junk)})
    abusive = [
        f"{label}含不文明用语" + "".join(f"「{p}」" for p in phrases)
        for label, phrases in (
            ("提问内容", abusive_phrases(text, words)),
            ("称呼", abusive_phrases(name, words)),
        )
        if phrases
    ]
    if abusive:
        decision.flags.append({"flag": TriageFlag.ABUSIVE.value, "why": "；".join(abusive)})
    if why := _personal_data_why(name, text):
        decision.flags.append({"flag": TriageFlag.PERSONAL_DATA.value, "why": why})
    decision.duplicate = duplicate_find(
        normalized, held=decision.held, asker_id=asker_id, contact=contact, thresholds=thresholds
    )
    return decision


# --- What the public sees ------------------------------------------------------------------------------

# Five digits in a row in a name are part of some number (a phone typed in half): never shown.
_DIGITS = re.compile(r"\d{5}")


def name_public(name: str, anonymous: bool = False) -> str:
    """A name as the public sees it: "匿名网友" when anonymous, empty, or holding personal data or a long
    number (the data never appear, masked or not); otherwise with its middle hidden (张*, 欧**锋)."""
    name = (name or "").strip()
    if (
        anonymous
        or not name
        or personal_data_find(name)
        or _DIGITS.search(unicodedata.normalize("NFKC", name))
    ):
        return ANONYMOUS
    return mask_name(name)


def public_name(question: Question) -> str:
    return name_public(question.name, question.anonymous)


def public_text(question: Question) -> str:
    """The moderator's public wording, else the original, with personal data masked."""
    return personal_data_mask(question.public_text or question.text)
