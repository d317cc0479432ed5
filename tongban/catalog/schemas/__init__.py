"""API schemas of the catalog (django-ninja). Enumerations go out as value + Chinese label
(tongban.regions.schemas.Choice); the handlers in tongban.catalog.api return selectors' objects and these
schemas read them."""

from .agreements import AgreementItemOut, AgreementOut, agreement_out
from .figures import BestStandardOut, StatsOut
from .guides import VersionOut, VersionSummaryOut
from .items import ImplementationRow, ItemOut, ItemWithImplementationsOut
from .reach import AvailabilityOut, WhereOut

__all__ = [
    "AgreementItemOut",
    "AgreementOut",
    "AvailabilityOut",
    "BestStandardOut",
    "ImplementationRow",
    "ItemOut",
    "ItemWithImplementationsOut",
    "StatsOut",
    "VersionOut",
    "VersionSummaryOut",
    "WhereOut",
    "agreement_out",
]
