"""Helpers shared by the data-request and submission tests."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from partnerships import choices
from partnerships.models import DataRequest, Submission

from ..factories import SIMPLE_SCHEMA, AgreementFactory, DataRequestFactory

DATA = Path(__file__).resolve().parent.parent / "data"
SCHEMA = json.loads((DATA / "requests_schema.json").read_text())
VALID_CSV = (DATA / "requests_valid.csv").read_bytes()
INVALID_CSV = (DATA / "requests_invalid.csv").read_bytes()


def signed_agreement(world: SimpleNamespace, *partners: Any) -> Any:
    """A signed agreement between the NSI and the given partners (partner A by default)."""
    return AgreementFactory(
        nsi=world.nsi,
        state=choices.AgreementState.SIGNED,
        partners=list(partners) or [world.partner_a],
    )


def acquisition(
    world: SimpleNamespace,
    *,
    state: str = choices.RequestState.DRAFT,
    provider: Any = None,
    **extra: Any,
) -> DataRequest:
    """An acquisition request from the NSI to a partner (A by default) in `state`."""
    provider = provider or world.partner_a
    extra.setdefault("table_schema", dict(SCHEMA))
    return DataRequestFactory(
        requester=world.nsi,
        provider=provider,
        agreement=signed_agreement(world, provider),
        state=state,
        **extra,
    )


def data_need(world: SimpleNamespace, *, state: str = choices.RequestState.DRAFT) -> DataRequest:
    """A data need from the city to the NSI in `state`."""
    return DataRequestFactory(
        direction=choices.RequestDirection.DATA_NEED,
        requester=world.city,
        provider=world.nsi,
        state=state,
        table_schema=dict(SIMPLE_SCHEMA),
    )


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    """A real workbook (openpyxl) holding `rows` on its first sheet."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def replace_member(workbook: bytes, member: str, content: bytes) -> bytes:
    """The same workbook with one zip member's content replaced."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = content if info.filename == member else source.read(info.filename)
            target.writestr(info.filename, data)
    return out.getvalue()


@pytest.fixture
def private_media(settings: Any, tmp_path: Path) -> Path:
    """Uploads of this test go to a folder of its own, so files can be counted."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files() -> list[Path]:
    """Every file under the submissions folder of the test media root."""
    from django.conf import settings

    root = Path(settings.MEDIA_ROOT) / "submissions"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def latest(request: DataRequest) -> Submission:
    return request.submissions.select_related("validation_run").order_by("-version").first()
