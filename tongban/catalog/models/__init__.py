from .agreements import Agreement, AgreementItem, AgreementParty, BatchEntry, TongbanBatch
from .availability import CIRCLE, Availability
from .guides import (
    FrozenVersionError,
    GuideFAQ,
    GuideFee,
    GuideLocation,
    GuideMaterial,
    GuideStep,
    ImplementationVersion,
)
from .items import Implementation, ServiceItem
from .search import SearchEntry

__all__ = [
    "CIRCLE",
    "Agreement",
    "AgreementItem",
    "AgreementParty",
    "Availability",
    "BatchEntry",
    "FrozenVersionError",
    "GuideFAQ",
    "GuideFee",
    "GuideLocation",
    "GuideMaterial",
    "GuideStep",
    "Implementation",
    "ImplementationVersion",
    "SearchEntry",
    "ServiceItem",
    "TongbanBatch",
]
