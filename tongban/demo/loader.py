"""Load the demo data in one transaction, or remove it all (for `tongban demo --reset`).

Removing the demo removes every case with it, with everything that hangs off them (events, steps,
materials and their files, notices, special procedures, parcels, case notifications), and every e-license
with its events, presentations, the seals that signed them and the license types. A case or a license
cannot outlive the catalog, regions and accounts it refers to, and a person who resets the demo expects
the demo's cases and licenses — and those they made while trying it — to go with them. The audit log
keeps its entries.
"""

import time
from contextlib import suppress
from dataclasses import dataclass
from functools import partial

from django.apps import apps
from django.db import transaction
from django.db.models import ProtectedError

from tongban.cases.models import (
    Case,
    CaseEvent,
    CaseMaterial,
    CaseNumberCounter,
    CaseStep,
    CorrectionNotice,
    Shipment,
    SpecialProcedure,
)
from tongban.catalog.models import (
    Agreement,
    AgreementItem,
    AgreementParty,
    Availability,
    BatchEntry,
    GuideFAQ,
    GuideFee,
    GuideLocation,
    GuideMaterial,
    GuideStep,
    Implementation,
    ImplementationVersion,
    SearchEntry,
    ServiceItem,
    TongbanBatch,
)
from tongban.catalog.search import search_entries_refresh
from tongban.catalog.selectors import implementations_in_force, tongban_implementations
from tongban.consult.models import Question
from tongban.core.errors import Conflict
from tongban.licenses.models import License, LicenseEvent, LicenseType, Seal
from tongban.notifications.models import Notification
from tongban.regions.models import Hall, Kiosk, Organization, Region, Window

from .accounts import demo_accounts_create, demo_accounts_remove
from .cases import demo_cases_create
from .catalog import catalog_create
from .licenses import demo_licenses_create
from .places import places_create
from .questions import demo_questions_create, questions_remove
from .reach import BATCHES, reach_create


@dataclass(frozen=True)
class DemoSummary:
    regions: int
    organizations: int
    items: int
    implementations: int
    tongban_items: int
    seconds: float
    loaded: bool = True  # False: the database already held data and nothing was loaded
    cases: int = 0
    licenses: int = 0
    questions: int = 0

    def __str__(self) -> str:
        counts = (
            f"行政区划 {self.regions} 个，部门 {self.organizations} 个，事项 {self.items} 项，"
            f"实施清单 {self.implementations} 项，其中圈内通办 {self.tongban_items} 项，"
            f"电子证照 {self.licenses} 本，办件 {self.cases} 件，提问 {self.questions} 条"
        )
        if not self.loaded:
            return f"数据库中已有数据，未加载演示数据（现有{counts}）。如需重新加载，请使用 --reset。"
        return f"演示数据已加载：{counts}；用时 {self.seconds:.1f} 秒。"


def demo_is_loaded() -> bool:
    """True when the demo's data is in the database (its first 通办 batch marks it)."""
    return TongbanBatch.objects.filter(document_number=BATCHES[0][1]).exists()


def demo_load(*, reset: bool = False) -> DemoSummary:
    """Load the demo into an empty database (no organizations, no items); with reset=True, first remove
    the cases, the catalog, the regions and the demo accounts. A database holding data is otherwise left
    alone."""
    started = time.perf_counter()
    with transaction.atomic():
        if reset:
            demo_remove()
        elif Organization.objects.exists() or ServiceItem.objects.exists():
            return _summary(0.0, loaded=False)
        places = places_create()
        implementations = catalog_create(places)
        reach_create(places, implementations)
        demo_accounts_create()
        search_entries_refresh()
        demo_licenses_create()
        demo_cases_create()
        demo_questions_create()
    return _summary(time.perf_counter() - started, loaded=True)


def _summary(seconds: float, *, loaded: bool) -> DemoSummary:
    return DemoSummary(
        regions=Region.objects.count(),
        organizations=Organization.objects.count(),
        items=ServiceItem.objects.count(),
        implementations=implementations_in_force().count(),
        tongban_items=tongban_implementations().count(),
        seconds=round(seconds, 2),
        loaded=loaded,
        cases=Case.objects.count(),
        licenses=License.objects.count(),
        questions=Question.objects.count(),
    )


@transaction.atomic
def demo_remove() -> None:
    """Remove the cases, the licenses, the catalog, the regions with their places, and the demo accounts,
    children first (case and license events and published versions are removed with QuerySet.delete,
    which their delete guards do not see)."""
    try:
        questions_remove()
        cases_remove()
        licenses_remove()
        for model in (SearchEntry, BatchEntry, TongbanBatch, AgreementItem, AgreementParty, Agreement):
            model.objects.all().delete()
        Availability.objects.all().delete()
        for part in (GuideMaterial, GuideStep, GuideFee, GuideLocation, GuideFAQ):
            part.objects.all().delete()
        Implementation.objects.update(current=None)
        for model in (ImplementationVersion, Implementation, ServiceItem):
            model.objects.all().delete()
        demo_accounts_remove()  # after the versions they published, before the bodies they work at
        for model in (Kiosk, Window, Hall, Organization):
            model.objects.all().delete()
        Region.objects.update(parent=None, city=None)
        Region.objects.all().delete()
    except ProtectedError as exc:
        raise Conflict("已有其他数据引用演示目录，不能重置演示数据。") from exc


def cases_remove() -> None:
    """Every case with what hangs off it, and the notifications about cases; the scanned files once the
    removal is committed (a reset that fails keeps them with their rows)."""
    scans = list(CaseMaterial.objects.exclude(file="").values_list("file", flat=True))
    for model in (CaseEvent, CaseStep, CaseMaterial, CorrectionNotice, SpecialProcedure, Shipment, Case):
        model.objects.all().delete()
    CaseNumberCounter.objects.all().delete()
    Notification.objects.filter(kind__startswith="case.").delete()
    transaction.on_commit(partial(_files_delete, CaseMaterial.file.field.storage, scans))


def licenses_remove() -> None:
    """Every license with its events and presentations (when the licenses app has them), the seals and the
    license types."""
    with suppress(LookupError):  # presentations (亮证) come with a later change of the licenses app
        apps.get_model("licenses", "Presentation").objects.all().delete()
    LicenseEvent.objects.all().delete()
    License.objects.update(previous=None)
    for model in (License, Seal, LicenseType):
        model.objects.all().delete()


def _files_delete(storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)
