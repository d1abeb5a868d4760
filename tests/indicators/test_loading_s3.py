"""Observation loads read the accepted submission from a real S3-compatible bucket."""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators import services
from indicators.models import Observation

from ..partnerships.requests_support import xlsx_bytes
from .test_loading import CSV, MAPPING

pytestmark = [pytest.mark.services]
ROWS = [
    ["opstina", "godina", "pol", "vrednost", "broj"],
    ["RS-KG-ST", "2023", "F", "51.25", "120"],
    ["RS-KG-AE", "2023-Q2", "_T", "40", "3"],
]


@pytest.mark.parametrize(
    ("content", "fmt", "rows"),
    [(CSV, "csv", 4), (xlsx_bytes(ROWS), "xlsx", 2)],
    ids=["csv", "xlsx"],
)
def test_an_accepted_submission_in_the_bucket_is_loaded(
    s3_storage, settings, tmp_path, world, geo, indicator, make_submission, content, fmt, rows
):
    settings.MEDIA_ROOT = tmp_path / "absent-media"
    submission = make_submission(content, fmt=fmt)
    assert s3_storage.keys() == [f"{s3_storage.prefix}/{submission.file.name}"]
    result = services.observations_load(
        submission=submission, mapping=MAPPING, indicator=indicator, actor=world.nsi_manager
    )
    assert result["rows"] == rows
    loaded = Observation.objects.get(territory=geo.m1, dims_key="sex=F")
    assert (loaded.value, loaded.count, loaded.submission) == (Decimal("51.25"), 120, submission)
    assert not settings.MEDIA_ROOT.exists()
