"""Writes to the catalog. Each service validates first, runs in one transaction, and keeps the search
index in step with what it changed.

`by` is the actor doing it, checked against the catalog's rules (rules.py) before anything changes;
None is the platform itself: an import whose adapter checked its caller, the demo, a test.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tongban.core.audit import SYSTEM, AuditObject, audit_record
from tongban.core.errors import FieldError, ValidationFailed, from_django_validation
from tongban.identity import access
from tongban.identity.access import Actor
from tongban.regions.models import Kiosk, Organization, Region, Window

from .choices import Mode, VersionStatus
from .formdef import FormDefinitionError, parse_definition
from .models import (
    Availability,
    GuideFAQ,
    GuideFee,
    GuideLocation,
    GuideMaterial,
    GuideStep,
    Implementation,
    ImplementationVersion,
    ServiceItem,
)
from .search import search_entries_refresh

GUIDE_PARTS = (GuideMaterial, GuideStep, GuideFee, GuideLocation, GuideFAQ)
VERSION_CONTENT_FIELDS = [
    f.name
    for f in ImplementationVersion._meta.concrete_fields
    if f.name
    not in {"id", "implementation", "number", "status", "published_at", "published_by", "change_note"}
]


def _raise_from(exc: ValidationError, model=None) -> None:
    raise from_django_validation(exc, model) from exc


@transaction.atomic
def implementation_create(
    *,
    service_item: ServiceItem,
    organization: Organization,
    code: str,
    guide: dict[str, Any],
    rows: "GuideRows | None" = None,
    number: int = 1,
    by: Actor | None = None,
) -> ImplementationVersion:
    """A new implementation with its first version as a draft (publish it with version_publish).
    `number` keeps another catalog's numbering when a catalog is restored from its export."""
    implementation = Implementation(service_item=service_item, organization=organization, code=code)
    if by is not None:
        access.require(by, "catalog.implementation.change", implementation)
    try:
        implementation.full_clean(exclude=["current"])
    except ValidationError as exc:
        _raise_from(exc, Implementation)
    implementation.save()
    draft = ImplementationVersion(
        implementation=implementation, number=number, name=guide.get("name") or service_item.name
    )
    return version_draft_fill(version=draft, guide=guide, rows=rows or GuideRows())


@transaction.atomic
def version_draft_start(*, implementation: Implementation, by: Actor | None = None) -> ImplementationVersion:
    """The implementation's draft: the existing one, or a copy of the version in force (all its rows)."""
    implementation = Implementation.objects.select_for_update().get(pk=implementation.pk)
    if by is not None:
        access.require(by, "catalog.implementation.change", implementation)
    draft = implementation.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is not None:
        return draft
    source = implementation.current
    if source is None:
        raise ValidationFailed.on("implementation", "该实施清单还没有任何版本，请先填写办事指南。")
    number = (implementation.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = ImplementationVersion.objects.create(
        implementation=implementation,
        number=number,
        status=VersionStatus.DRAFT,
        **{name: getattr(source, name) for name in VERSION_CONTENT_FIELDS},
    )
    for part in GUIDE_PARTS:
        rows = list(part.objects.filter(version=source))
        for row in rows:
            row.pk, row.version = None, draft
        part.objects.bulk_create(rows)
    return draft


def guide_problems(
    version: ImplementationVersion, *, steps: list[GuideStep] | None = None
) -> list[FieldError]:
    """Everything that keeps a draft from being published, in Chinese, by field. `steps` checks a guide
    that is not saved yet (an import checks its file before writing); by default the version's own."""
    problems: list[FieldError] = []
    try:
        version.full_clean(exclude=["implementation", "published_by"], validate_unique=False)
    except ValidationError as exc:
        problems += from_django_validation(exc, ImplementationVersion).errors
    steps = list(version.steps.all()) if steps is None else steps
    if not steps:
        problems.append(FieldError("steps", "办事指南至少要有一个办理环节。"))
    counted_by_stage: dict[int, int] = {}
    for step in steps:
        if step.counts_in_limit:
            counted_by_stage[step.stage] = max(counted_by_stage.get(step.stage, 0), step.time_limit_days)
    if sum(counted_by_stage.values()) > version.statutory_days:
        problems.append(
            FieldError(
                "steps",
                f"计入法定时限的各环节时限合计 {sum(counted_by_stage.values())} 个工作日，"
                f"超过法定办结时限 {version.statutory_days} 个工作日。",
            )
        )
    try:
        parse_definition(version.form_schema)
    except FormDefinitionError as exc:
        problems.append(FieldError("form_schema", exc.message))
    return problems


@transaction.atomic
def version_publish(
    *, version: ImplementationVersion, by: Actor | None = None, change_note: str = "", reindex: bool = True
) -> ImplementationVersion:
    """Freeze a draft and put it in force; the version it replaces is kept as superseded. Recorded in
    the audit log as catalog.implementation.published.
    A caller publishing many versions at once passes reindex=False and refreshes the search index once."""
    version = ImplementationVersion.objects.select_for_update().get(pk=version.pk)
    implementation = Implementation.objects.select_for_update().get(pk=version.implementation_id)
    if by is not None:
        access.require(by, "catalog.implementation.publish", implementation)
    if version.status != VersionStatus.DRAFT:
        raise ValidationFailed.on("status", "只有草稿版本可以发布。")
    problems = guide_problems(version)
    if problems:
        raise ValidationFailed(message=problems[0].message, errors=problems)
    if implementation.current_id:
        ImplementationVersion.objects.filter(pk=implementation.current_id).update(
            status=VersionStatus.SUPERSEDED
        )
    now = timezone.now()
    ImplementationVersion.objects.filter(pk=version.pk).update(
        status=VersionStatus.PUBLISHED,
        published_at=now,
        published_by=by.user if by else None,
        change_note=change_note or version.change_note,
    )
    Implementation.objects.filter(pk=implementation.pk).update(current=version)
    audit_record(
        action="catalog.implementation.published",
        context=by.audit_context() if by else SYSTEM,
        obj=AuditObject.of(implementation, label=f"{implementation.code} {version.name}"),
        detail={
            "version": version.number,
            "version_id": version.pk,
            "superseded_id": implementation.current_id,
        },
    )
    if reindex:
        search_entries_refresh(implementation_ids=[implementation.pk])
    version.refresh_from_db()
    return version


@dataclass
class GuideRows:
    """The rows of a guide as plain dicts (field name → value), e.g. from an import or a test."""

    materials: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    fees: list[dict[str, Any]] = field(default_factory=list)
    locations: list[dict[str, Any]] = field(default_factory=list)
    faqs: list[dict[str, Any]] = field(default_factory=list)


@transaction.atomic
def version_draft_fill(
    *, version: ImplementationVersion, guide: dict[str, Any], rows: GuideRows
) -> ImplementationVersion:
    """Replace a draft's content and rows with the given ones."""
    if version.status != VersionStatus.DRAFT:
        raise ValidationFailed.on("status", "已发布的版本不能修改，请先创建新的草稿版本。")
    for name, value in guide.items():
        if name not in VERSION_CONTENT_FIELDS:
            raise ValidationFailed.on(name, f"未知的指南字段：{name}")
        setattr(version, name, value)
    try:
        version.full_clean(exclude=["implementation", "published_by"], validate_constraints=False)
    except ValidationError as exc:
        _raise_from(exc, ImplementationVersion)
    version.save()
    for part, data in zip(
        GUIDE_PARTS, (rows.materials, rows.steps, rows.fees, rows.locations, rows.faqs), strict=True
    ):
        part.objects.filter(version=version).delete()
        objs = [part(version=version, position=i, **values) for i, values in enumerate(data, start=1)]
        for obj in objs:
            try:
                obj.full_clean(exclude=["version"])
            except ValidationError as exc:
                _raise_from(exc, part)
        part.objects.bulk_create(objs)
    return version


@transaction.atomic
def availability_add(
    *,
    implementation: Implementation,
    mode: str,
    region: Region | None = None,
    window: Window | None = None,
    kiosk: Kiosk | None = None,
    note: str = "",
) -> Availability:
    """Add (or keep, if it is already there) one explicit entry of where an implementation is received."""
    entry = Availability(
        implementation=implementation, mode=Mode(mode), region=region, window=window, kiosk=kiosk, note=note
    )
    try:
        entry.full_clean(exclude=["scope_key", "scope_city"], validate_unique=False)
    except ValidationError as exc:
        _raise_from(exc, Availability)
    entry.derive_scope()
    existing = Availability.objects.filter(
        implementation=implementation, mode=entry.mode, scope_key=entry.scope_key
    ).first()
    if existing:
        return existing
    entry.save()
    search_entries_refresh(implementation_ids=[implementation.pk])
    return entry
