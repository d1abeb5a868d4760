"""Stored files: the S3 backend's streaming reads, and one way to hand a stored file out."""

from __future__ import annotations

import io
from typing import Any

from botocore.exceptions import ClientError
from django.core.files import File
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

# Reads from the bucket and writes to the client move this much at a time.
CHUNK_BYTES = 1 << 20
RESPONSE_BLOCK_BYTES = 1 << 16


class _BodyStream(io.RawIOBase):
    """An S3 GET response body as a raw binary stream: read once, front to back."""

    def __init__(self, body: Any) -> None:
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._body.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()


class PrivateS3Storage(S3Storage):
    """An S3-compatible bucket of private objects whose reads stream the object's body.

    django-storages' own file object downloads the whole object into a temporary file before
    its first byte can be read, so a download would wait for all of it and a worker would
    hold two copies. Here opening a file for reading is one GET whose body is consumed as it
    arrives; anything that needs to seek (openpyxl, the validation engine) copies the stream
    to a local temporary file itself, in chunks.
    """

    def _open(self, name: str, mode: str = "rb") -> File:
        if mode != "rb":
            return super()._open(name, mode)
        key = self._normalize_name(clean_name(name))
        try:
            response = self.bucket.Object(key).get()
        except ClientError as exc:
            if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                raise FileNotFoundError(f"File does not exist: {name}") from exc
            raise
        stored = File(
            io.BufferedReader(_BodyStream(response["Body"]), buffer_size=CHUNK_BYTES), name=name
        )
        stored.size = response["ContentLength"]
        return stored


def open_stored(stored: FieldFile) -> File:
    """Open a stored file for reading through its storage, never by a local path.

    Each call is a fresh handle (the local disk or one GET from the bucket), so the worker
    and the web process read the same way whatever backend holds the file.
    """
    if not stored.name:
        raise FileNotFoundError("no file is stored")
    return stored.storage.open(stored.name, "rb")


def stored_file_response(stored: FieldFile, *, filename: str, content_type: str) -> FileResponse:
    """Stream a stored file to the client as an attachment (the caller checked permission).

    Files are never linked to in the storage itself (private objects, no signed URLs): this
    response is the only way out, so every download passes the view's permission check.
    """
    try:
        handle = open_stored(stored)
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response.block_size = RESPONSE_BLOCK_BYTES
    # A stream from the bucket cannot be measured by seeking; its GET response said its size.
    if "Content-Length" not in response:
        response["Content-Length"] = str(handle.size)
    return response
