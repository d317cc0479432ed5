"""Rotating the keys that protect personal data at rest (tongban/core/crypto.py).

Data keys: the operator puts a new key first in TONGBAN_DATA_KEYS (the old ones stay after it, so
everything still decrypts), runs `tongban keys rotate`, which re-encrypts every stored value under the
new key, then drops the old keys. The encrypted columns are found by looking at every model's fields,
so a new EncryptedTextField is rotated without anyone listing it here.

The rotation walks each table in primary-key order, one batch per transaction with the rows locked, so
a request writing the same row waits instead of losing its change. A value already under the newest
key is left alone: an interrupted rotation is resumed by running it again.

Blind indexes: a model that keeps a blind index computes it in save() from the decrypted value (see
identity.models.Person), so `--blind-index` saves the index columns of every row again under the
current BLIND_INDEX_KEY. There is one blind-index key at a time, so exact lookups miss the rows not
yet recomputed until the command is done: run it with the site stopped.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models.functions import Cast

from . import crypto
from .audit import SYSTEM, AuditContext, audit_record
from .fields import EncryptedTextField


class UndecryptableValue(crypto.DecryptionError):
    """A stored value that no key of DATA_KEYS decrypts; `where` names it in Chinese."""

    def __init__(self, model: type[models.Model], pk, field: models.Field):
        self.where = f"{model._meta.verbose_name}（{model._meta.label} #{pk}）的{field.verbose_name}"
        super().__init__(f"{model._meta.label} #{pk} {field.name}: no key in DATA_KEYS decrypts it")


@dataclass
class RotationSummary:
    columns: int = 0  # encrypted columns found
    values: int = 0  # non-empty values looked at
    reencrypted: int = 0  # of which re-encrypted under the newest key
    indexed_rows: int = 0  # rows whose blind indexes were recomputed (--blind-index)

    def __str__(self) -> str:
        lines = [
            f"加密字段：{self.columns} 个",
            f"已检查的加密值：{self.values} 个",
            f"本次重新加密：{self.reencrypted} 个（其余已在最新密钥下）",
        ]
        if self.indexed_rows:
            lines.append(f"重新计算盲索引的记录：{self.indexed_rows} 条")
        return "\n".join(lines)


def encrypted_columns() -> Iterator[tuple[type[models.Model], list[EncryptedTextField]]]:
    """Every model with encrypted fields, and those fields (a parent's fields with the parent only)."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [f for f in model._meta.local_concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            yield model, fields


def blind_index_columns(model: type[models.Model]) -> list[str]:
    """The blind-index columns of a model: by convention non-editable `*_index` fields, which the
    model's save() computes from its encrypted values."""
    return [
        f.name
        for f in model._meta.local_concrete_fields
        if f.name.endswith("_index") and not f.editable and isinstance(f, models.CharField)
    ]


def keys_rotate(
    *, batch_size: int = 500, blind_index: bool = False, context: AuditContext = SYSTEM
) -> RotationSummary:
    """Re-encrypt every encrypted value under the first key of settings.DATA_KEYS (and, with
    blind_index, recompute the blind indexes). Idempotent; a value no key decrypts raises
    crypto.DecryptionError and stops the rotation (the batches done so far stay done)."""
    crypto.reset_key_cache()
    newest = Fernet(settings.DATA_KEYS[0].encode())
    summary = RotationSummary()
    for model, fields in encrypted_columns():
        summary.columns += len(fields)
        for batch in _batches(model, batch_size):
            _reencrypt_batch(model, fields, batch, newest, summary)
        if blind_index:
            summary.indexed_rows += _reindex(model, batch_size)
    audit_record(action="keys.rotated", context=context, detail=_counts(summary, blind_index))
    return summary


def _batches(model: type[models.Model], batch_size: int) -> Iterator[list]:
    """Primary keys in order, batch_size at a time."""
    pks = model._base_manager.order_by("pk").values_list("pk", flat=True)
    last = None
    while True:
        batch = list((pks if last is None else pks.filter(pk__gt=last))[:batch_size])
        if not batch:
            return
        yield batch
        last = batch[-1]


def _reencrypt_batch(model, fields, pks, newest: Fernet, summary: RotationSummary) -> None:
    # Cast to plain text reads the stored ciphertext rather than the field's decrypted value.
    raw = {f"_raw_{f.attname}": Cast(f.attname, models.TextField()) for f in fields}
    with transaction.atomic():
        rows = (
            model._base_manager.filter(pk__in=pks).select_for_update().annotate(**raw).values_list("pk", *raw)
        )
        for pk, *ciphertexts in rows:
            changes = {}
            for field, ciphertext in zip(fields, ciphertexts, strict=True):
                if not ciphertext:
                    continue
                summary.values += 1
                if not _under(newest, ciphertext):
                    changes[field.attname] = _decrypt(
                        ciphertext, model, pk, field
                    )  # saved under the newest key
            if changes:
                model._base_manager.filter(pk=pk).update(**changes)
                summary.reencrypted += len(changes)


def _decrypt(ciphertext: str, model, pk, field) -> str:
    try:
        return crypto.decrypt(ciphertext)
    except crypto.DecryptionError:
        raise UndecryptableValue(model, pk, field) from None


def _under(key: Fernet, ciphertext: str) -> bool:
    try:
        key.decrypt(ciphertext.encode())
    except InvalidToken:
        return False
    return True


def _reindex(model: type[models.Model], batch_size: int) -> int:
    columns = blind_index_columns(model)
    if not columns:
        return 0
    done = 0
    for pks in _batches(model, batch_size):
        with transaction.atomic():
            for obj in model._base_manager.filter(pk__in=pks).select_for_update().order_by("pk"):
                obj.save(update_fields=columns)
                done += 1
    return done


def _counts(summary: RotationSummary, blind_index: bool) -> dict:
    counts = {
        "columns": summary.columns,
        "values": summary.values,
        "reencrypted": summary.reencrypted,
    }
    return counts | ({"indexed_rows": summary.indexed_rows} if blind_index else {})
