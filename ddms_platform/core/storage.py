"""Stored files: one way to open them and one way to hand them out, whatever the backend."""

from __future__ import annotations

from django.core.files import File
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

# Writes to the client move this much at a time.
RESPONSE_BLOCK_BYTES = 1 << 16


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
