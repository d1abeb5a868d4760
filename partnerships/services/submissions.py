"""Submissions: a provider's upload for a request, kept byte-for-byte and queued for validation."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils.text import get_valid_filename

from ddms_platform.core.audit import audit_record, snapshot
from ddms_platform.core.errors import DomainError, IllegalTransition
from ddms_platform.notify.services import outbox_record
from ddms_platform.tabular import sniff_format
from ddms_platform.tabular.encoding import EncodingProblem, detect_encoding

from ..choices import RequestState, SubmissionFormat
from ..models import DataRequest, Submission, ValidationRun
from .requests import REQUEST_MACHINE, UPLOAD_STATES, request_submit, require_side
from .validation import queue_validation

SAMPLE_BYTES = 1 << 16
COPY_BYTES = 1 << 20
# Magic numbers of formats people send instead of CSV/XLSX, to name them in the refusal.
KNOWN_BINARY = {
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) or other OLE2 document; save it as XLSX or CSV",
    b"%PDF": "a PDF document",
    b"\x1f\x8b": "a gzip archive",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
}


class UploadRefused(DomainError):
    """The uploaded file is not something we accept; nothing was stored."""

    code = "upload_refused"


class UploadTooLarge(UploadRefused):
    """The uploaded file is over the size limit; nothing was stored."""

    status_code = 413
    code = "file_too_large"

    @classmethod
    def for_limit(cls, limit: int) -> UploadTooLarge:
        """The refusal for a file over `limit` bytes."""
        return cls(
            f"The file is larger than the limit of {limit} bytes "
            f"({limit / (1024 * 1024):.0f} MB); split it or ask the NSI to raise the limit.",
            limit=limit,
        )


@dataclass
class _Spooled:
    """The upload copied to a private temporary file, with its fingerprint and format."""

    path: Path
    size: int
    sha256: str
    format: str = ""
    encoding: str = ""


def _chunks(uploaded_file: Any) -> Iterator[bytes]:
    if hasattr(uploaded_file, "chunks"):
        yield from uploaded_file.chunks(COPY_BYTES)
        return
    while piece := uploaded_file.read(COPY_BYTES):
        yield piece


def _spool(uploaded_file: Any) -> _Spooled:
    """Copy the upload to a temporary file while hashing it; stop at the size limit."""
    limit = settings.DDMS_MAX_SUBMISSION_BYTES
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > limit:
        raise UploadTooLarge.for_limit(limit)
    digest = hashlib.sha256()
    size = 0
    handle, name = tempfile.mkstemp(prefix="ddms-upload-")
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            for piece in _chunks(uploaded_file):
                size += len(piece)
                if size > limit:
                    raise UploadTooLarge.for_limit(limit)
                digest.update(piece)
                out.write(piece)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return _Spooled(path=path, size=size, sha256=digest.hexdigest())


def _sniff(spooled: _Spooled) -> None:
    """Decide CSV or XLSX from the content (not the name); refuse anything else."""
    if spooled.size == 0:
        raise UploadRefused("The file is empty.")
    with spooled.path.open("rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    # the same decision as the engine's (and so the worker's and the command line's)
    if sniff_format(spooled.path) == SubmissionFormat.XLSX:
        _check_workbook(spooled.path)
        spooled.format = SubmissionFormat.XLSX
        return
    for magic, what in KNOWN_BINARY.items():
        if head.startswith(magic):
            raise UploadRefused(f"The file is {what}, not CSV or XLSX.")
    try:
        encoding, _bom = detect_encoding(spooled.path, head)
    except EncodingProblem as problem:
        raise UploadRefused(f"The file is not a CSV or XLSX file: {problem.note}.") from problem
    spooled.format = SubmissionFormat.CSV
    spooled.encoding = encoding


def _check_workbook(path: Path) -> None:
    """Refuse a zip that is not a workbook or that would expand past the limit (zip bomb).

    Only the central directory is read here; no member is decompressed and no XML parsed.
    The sizes are the ones zipfile enforces while reading, so a member cannot lie about them.
    """
    limit = settings.DDMS_XLSX_MAX_UNCOMPRESSED_BYTES
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise UploadRefused(f"The file looks like XLSX but the archive is broken: {exc}.") from exc
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        raise UploadRefused("The file is a zip archive but not an XLSX workbook.")
    total = sum(info.file_size for info in infos)
    if total > limit:
        raise UploadRefused(
            f"The workbook expands to {total} bytes, more than the limit of {limit} bytes; "
            "it is refused as a possible zip bomb. Save the data as CSV instead.",
            code="xlsx_too_large",
        )


def _stored_name(original: str, fmt: str) -> str:
    # The stored name always carries the sniffed format's extension: the engine (and anyone
    # downloading it) reads the file by its extension.
    stem = Path(get_valid_filename(Path(original or "upload").name) or "upload").stem[:100]
    return f"{stem or 'upload'}.{fmt}"


def submission_upload(*, request: DataRequest, uploaded_file: Any, actor: Any) -> Submission:
    """Store a provider's file as the request's next version and queue its validation."""
    # Cheap checks before reading the file, so a refused upload costs nothing.
    require_side(actor, request.provider)
    _check_upload_state(request)
    spooled = _spool(uploaded_file)
    stored: str | None = None
    try:
        _sniff(spooled)
        original = Path(getattr(uploaded_file, "name", "") or "upload").name[:255]
        with transaction.atomic():
            locked = (
                DataRequest.objects.select_for_update(of=("self",))
                .select_related("requester", "provider")
                .get(pk=request.pk)
            )
            require_side(actor, locked.provider)
            _check_upload_state(locked)
            latest = locked.submissions.aggregate(v=Max("version"))["v"] or 0
            submission = Submission(
                request=locked,
                version=latest + 1,
                original_name=original,
                format=spooled.format,
                size=spooled.size,
                sha256=spooled.sha256,
                encoding=spooled.encoding,
                uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            with spooled.path.open("rb") as fh:
                submission.file.save(_stored_name(original, spooled.format), File(fh), save=False)
            stored = submission.file.name
            submission.save()
            run = ValidationRun.objects.create(submission=submission)
            audit_record(
                actor=actor,
                action="submission.upload",
                obj=submission,
                after=snapshot(
                    submission, ["request_id", "version", "size", "sha256", "encoding", "format"]
                ),
            )
            request_submit(request=locked, actor=actor)
            outbox_record(
                kind="submission.uploaded",
                obj=submission,
                payload={
                    "request_id": locked.pk,
                    "submission_id": submission.pk,
                    "version": submission.version,
                    "actor_id": getattr(actor, "pk", None),
                    "notify_organisation_id": locked.requester_id,
                },
            )
            queue_validation(run.pk)
    except BaseException:
        if stored:
            # Best effort: a bucket that is unreachable now must not hide the first error.
            with contextlib.suppress(Exception):
                Submission._meta.get_field("file").storage.delete(stored)
        raise
    finally:
        spooled.path.unlink(missing_ok=True)
    request.state = locked.state
    return submission


def _check_upload_state(request: DataRequest) -> None:
    if request.state not in UPLOAD_STATES:
        raise IllegalTransition(
            kind=REQUEST_MACHINE.kind,
            current=request.state,
            target=RequestState.SUBMITTED,
            allowed=REQUEST_MACHINE.allowed(request.state),
        )
