"""Writing and verifying the audit log (see models.AuditEntry).

`audit_record` runs inside the caller's transaction, so an action and its entry are committed together
or not at all; `audit_record_now` is for events that must be kept even when the request fails (a failed
login, a refused access), in a transaction of its own.
"""

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from .choices import Channel
from .masking import mask_text
from .models import AuditEntry, AuditHead

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditContext:
    """Who acts, for whom, from where. Built by the identity layer (Actor.audit_context())."""

    actor_id: int | None = None
    actor_label: str = ""
    on_behalf_of_id: int | None = None
    on_behalf_of_label: str = ""
    organization_id: int | None = None
    channel: str = Channel.SYSTEM
    ip: str | None = None


SYSTEM = AuditContext(actor_label="系统")


@dataclass(frozen=True)
class AuditObject:
    type: str
    id: str
    label: str = ""

    @classmethod
    def of(cls, obj: Any, label: str | None = None) -> "AuditObject":
        return cls(obj._meta.label_lower, str(obj.pk), str(obj) if label is None else label)


def _content(entry: AuditEntry) -> str:
    """The canonical text a hash covers."""
    return json.dumps(
        {
            "seq": entry.seq,
            "at": entry.at.isoformat(),
            "action": entry.action,
            "actor": [entry.actor_id, entry.actor_label],
            "on_behalf_of": [entry.on_behalf_of_id, entry.on_behalf_of_label],
            "organization": entry.organization_id,
            "object": [entry.object_type, entry.object_id, entry.object_label],
            "channel": entry.channel,
            "ip": entry.ip,
            "detail": entry.detail,
            "prev": entry.prev_hash,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_content(entry).encode()).hexdigest()


def audit_record(
    *,
    action: str,
    context: AuditContext = SYSTEM,
    obj: AuditObject | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. Labels and details are masked: the log never holds an ID or phone number."""
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1, defaults={"hash": GENESIS})
        entry = AuditEntry(
            seq=head.seq + 1,
            # Microseconds are kept by both databases; the hash is computed on what is stored.
            at=timezone.now(),
            action=action,
            actor_id=context.actor_id,
            actor_label=mask_text(context.actor_label)[:200],
            on_behalf_of_id=context.on_behalf_of_id,
            on_behalf_of_label=mask_text(context.on_behalf_of_label)[:200],
            organization_id=context.organization_id,
            object_type=obj.type if obj else "",
            object_id=obj.id if obj else "",
            object_label=mask_text(obj.label)[:200] if obj else "",
            channel=context.channel,
            # Stored as the database will give it back (IPv6 compressed), since the hash covers it.
            ip=AuditEntry._meta.get_field("ip").get_prep_value(context.ip),
            detail=_masked(detail or {}),
            prev_hash=head.hash,
        )
        entry.hash = entry_hash(entry)
        entry.save()
        AuditHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
    return entry


def audit_record_now(**kwargs) -> AuditEntry:
    """Record an entry that must survive the caller's failure: outside any open transaction."""
    if transaction.get_connection().in_atomic_block:
        # Inside a transaction that is about to roll back, the entry would vanish with it; recording
        # after the rollback keeps it (on_commit would drop it, so it cannot be used here).
        raise RuntimeError("audit_record_now must be called outside transaction.atomic()")
    return audit_record(**kwargs)


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(v) for v in value]
    return value


@dataclass
class ChainReport:
    entries: int = 0
    broken_seq: int | None = None
    reason: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.broken_seq is None and not self.problems


def audit_verify(*, chunk_size: int = 5000) -> ChainReport:
    """Walk the whole chain in order; report the first entry whose hash or link does not hold."""
    report = ChainReport()
    prev_hash, expected_seq, last = GENESIS, 1, None
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        report.entries += 1
        reason = _broken(entry, prev_hash, expected_seq)
        if reason:
            report.broken_seq, report.reason = entry.seq, reason
            return report
        prev_hash, expected_seq, last = entry.hash, entry.seq + 1, entry
    head = AuditHead.objects.filter(pk=1).first()
    if head is None and last is not None:
        report.problems.append("链尾记录缺失：无法确认末尾的记录没有被删除。")
    if head and (head.seq, head.hash) != ((last.seq, last.hash) if last else (0, GENESIS)):
        actual = last.seq if last else 0
        report.problems.append(
            f"链尾记录为第 {head.seq} 条，实际最后一条为第 {actual} 条：末尾的记录被删除。"
        )
    return report


def _broken(entry: AuditEntry, prev_hash: str, expected_seq: int) -> str:
    if entry.seq != expected_seq:
        return f"缺少第 {expected_seq} 条（之后直接是第 {entry.seq} 条）：记录被删除。"
    if entry.prev_hash != prev_hash:
        return "与上一条的链接不符：上一条被修改或删除。"
    if entry_hash(entry) != entry.hash:
        return "内容与哈希不符：本条被修改。"
    return ""
