"""Vendored static files are complete: every source map a file names is shipped too.

ManifestStaticFilesStorage rewrites `sourceMappingURL` references and fails collectstatic on a
missing map, which is what once made every production page a 500.
"""

from __future__ import annotations

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "ddms_platform" / "static"


def test_every_source_map_reference_points_at_a_shipped_file():
    missing = []
    for path in STATIC.rglob("*"):
        if path.suffix not in {".js", ".css"}:
            continue
        for ref in re.findall(r"sourceMappingURL=([^\s*]+)", path.read_text(errors="replace")):
            if not ref.startswith("data:") and not (path.parent / ref).exists():
                missing.append(f"{path.relative_to(STATIC)} -> {ref}")
    assert not missing, missing
