"""SYNTHETIC demo boundaries: invented shapes around Kragujevac, not real borders.

Five wedges of a rough circle make the city's urban municipalities; their union is the city.
They pass through the same validation and simplification as an imported file.
"""

from __future__ import annotations

import math

from shapely.geometry import Polygon, mapping
from shapely.ops import unary_union

from .models import Territory
from .services.boundaries import boundary_clean

SOURCE = "SYNTHETIC demo boundary: invented shapes, not real borders"
CENTRE = (20.91, 44.01)  # lon, lat
# Municipality, first and last angle of its wedge (degrees, counter-clockwise from east).
WEDGES = [
    ("RS-KG-SG", 0, 60),
    ("RS-KG-ST", 60, 150),
    ("RS-KG-AE", 150, 230),
    ("RS-KG-PI", 230, 300),
    ("RS-KG-SR", 300, 360),
]
RADIUS = (0.16, 0.11)  # degrees of longitude and latitude: about 13 km each way


def _wedge(start: int, end: int) -> Polygon:
    lon, lat = CENTRE
    ring = [CENTRE]
    for step in range(start, end + 1, 5):
        angle = math.radians(step)
        # A wobble so the shapes do not look drawn with a compass.
        scale = 1 + 0.12 * math.sin(3 * angle) + 0.05 * math.cos(7 * angle)
        ring.append(
            (lon + RADIUS[0] * scale * math.cos(angle), lat + RADIUS[1] * scale * math.sin(angle))
        )
    return Polygon(ring)


def load_boundaries() -> int:
    """Give the demo's municipalities and city their synthetic boundary (idempotent)."""
    shapes = {code: _wedge(start, end) for code, start, end in WEDGES}
    shapes["RS-KG"] = unary_union(list(shapes.values()))
    changed = 0
    for territory in Territory.objects.filter(code__in=shapes):
        geometry = boundary_clean(mapping(shapes[territory.code]))
        if territory.boundary != geometry or territory.boundary_source != SOURCE:
            territory.boundary, territory.boundary_source = geometry, SOURCE
            territory.save(update_fields=["boundary", "boundary_source", "updated_at"])
            changed += 1
    return changed
