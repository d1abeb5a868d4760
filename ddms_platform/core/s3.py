"""The S3-compatible backend (chosen in settings): private objects, reads streamed.

A module of its own so that boto3 is imported only by deployments that use a bucket.
"""

from __future__ import annotations

import io
from typing import Any

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError
from django.core.files import File
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

# Reads from the bucket move this much at a time.
CHUNK_BYTES = 1 << 20
# Uploads go in parts of this size, two at a time.
PART_BYTES = 8 << 20
PARTS_IN_FLIGHT = 2


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

    def __init__(self, **settings: Any) -> None:
        if settings.get("transfer_config") is None:
            config = TransferConfig(multipart_chunksize=PART_BYTES, max_concurrency=PARTS_IN_FLIGHT)
            # s3transfer reads each part of an upload into memory and by default keeps up to
            # ten of them (80 MiB per upload); two bound an upload's memory whatever its size.
            config.max_in_memory_upload_chunks = PARTS_IN_FLIGHT
            settings["transfer_config"] = config
        super().__init__(**settings)

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
