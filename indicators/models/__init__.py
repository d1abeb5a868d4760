"""Indicators domain models (DESIGN.md §2, indicators)."""

from .codelists import Code, CodeList, IndicatorMetadata
from .downloads import DownloadCount
from .evidence import EvidenceKind, EvidenceUse
from .indicators import Indicator
from .network import ComparabilityGroup, IndicatorAdoption, KitImport
from .observations import Observation, ObservationLoad
from .publications import (
    PreReleaseAccess,
    PreReleaseView,
    Publication,
    PublishingPolicy,
    ReleasedObservation,
)
from .subscriptions import Subscription
from .territories import Territory

__all__ = [
    "ComparabilityGroup",
    "IndicatorAdoption",
    "KitImport",
    "DownloadCount",
    "EvidenceKind",
    "EvidenceUse",
    "Code",
    "CodeList",
    "IndicatorMetadata",
    "Indicator",
    "Observation",
    "ObservationLoad",
    "PreReleaseAccess",
    "PreReleaseView",
    "Publication",
    "PublishingPolicy",
    "ReleasedObservation",
    "Subscription",
    "Territory",
]
