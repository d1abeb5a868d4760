"""Previous published values for the validation job's jump warnings.

A request's Table Schema may say which indicator its file feeds:
``"x-ddms": {"previous": {"indicator": "ELEC_HH", "keys": ["territory", "sex"],
"dimensions": ["sex"], "field": "value", "factor": 10}}`` — ``keys`` are the file's columns
naming the territory code and then each listed dimension. The indicators app registers the
provider (this app must not import it), so partnerships stays below indicators.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings

# (indicator code, dimension ids) -> {(territory code, *dimension codes): last published value}
PreviousValues = Callable[[str, list[str]], dict[tuple[str, ...], float]]

_provider: PreviousValues | None = None


def register_previous_values(provider: PreviousValues) -> None:
    """Install the function that looks up an indicator's last published values."""
    global _provider
    _provider = provider


def previous_values_options(schema: dict[str, Any]) -> dict[str, Any]:
    """Engine options (`previous`, `jump_factor`) for a schema that names its indicator."""
    extension = schema.get("x-ddms") if isinstance(schema, dict) else None
    config = extension.get("previous") if isinstance(extension, dict) else None
    if not isinstance(config, dict) or not config.get("indicator") or _provider is None:
        return {}
    dimensions = [str(d) for d in config.get("dimensions", [])]
    return {
        "previous": _provider(str(config["indicator"]), dimensions),
        "jump_factor": float(config.get("factor", settings.DDMS_PLAUSIBILITY_JUMP_FACTOR)),
    }
