"""Indicators domain models (DESIGN.md §2, indicators)."""

from .codelists import Code, CodeList, IndicatorMetadata
from .indicators import Indicator
from .observations import Observation, ObservationLoad
from .publications import Publication, ReleasedObservation
from .subscriptions import Subscription
from .territories import Territory

__all__ = [
    "Code",
    "CodeList",
    "IndicatorMetadata",
    "Indicator",
    "Observation",
    "ObservationLoad",
    "Publication",
    "ReleasedObservation",
    "Subscription",
    "Territory",
]
