"""A binary stream (e.g. an object read from S3) as a local file, copied in chunks."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePath
from typing import Protocol

COPY_BYTES = 1 << 20


class Readable(Protocol):
    """Anything with a binary ``read`` (an open file, a Django ``File``, an S3 body)."""

    def read(self, size: int = -1, /) -> bytes: ...


def seekable(stream: object) -> bool:
    """Whether a stream can be rewound (a local file, a spooled upload, ``io.BytesIO``)."""
    check = getattr(stream, "seekable", None)
    try:
        return bool(check()) if callable(check) else hasattr(stream, "seek")
    except (OSError, ValueError):  # e.g. a closed file
        return False


@contextlib.contextmanager
def local_copy(stream: Readable, *, suffix: str | None = None) -> Iterator[Path]:
    """Copy ``stream`` to a private temporary file in 1 MiB chunks; yield its path, then delete it.

    For readers that must seek or re-read (openpyxl opens a zip; the CSV reader checks the
    encoding over the whole file before parsing it): memory stays bounded whatever the size.
    The suffix defaults to the stream's name's (the engine sniffs the content; other readers
    may go by extension).
    """
    if suffix is None:
        suffix = PurePath(str(getattr(stream, "name", "") or "")).suffix
    with tempfile.NamedTemporaryFile(prefix="ddms-source-", suffix=suffix) as out:
        shutil.copyfileobj(stream, out, COPY_BYTES)
        out.flush()
        yield Path(out.name)
