"""Decide a document's content type from its bytes and name, never from the client's header."""

from __future__ import annotations

import zipfile
from pathlib import PurePath
from typing import IO

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
TEXT = "text/plain"
TEXT_EXTENSIONS = {".txt", ".md", ".text"}


def _zip_names(stream: IO[bytes]) -> tuple[list[str], bytes]:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
            return names, mimetype
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return [], b""


def sniff_content_type(stream: IO[bytes], filename: str) -> str | None:
    """Return the detected type of a PDF, DOCX, ODT or plain-text file, or None if unknown.

    Reads only the head of the file (and a zip's central directory); rewinds the stream.
    """
    extension = PurePath(filename).suffix.lower()
    stream.seek(0)
    head = stream.read(8192)
    stream.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF if extension == ".pdf" else None
        if head.startswith(b"PK\x03\x04"):
            names, mimetype = _zip_names(stream)
            if extension == ".docx" and "word/document.xml" in names:
                return DOCX
            if extension == ".odt" and mimetype.strip() == ODT.encode():
                return ODT
            return None
        if extension in TEXT_EXTENSIONS and b"\x00" not in head:
            try:
                # A cut multi-byte character at the end of the head is not an error.
                head.decode("utf-8")
            except UnicodeDecodeError as exc:
                if exc.start < len(head) - 3:
                    return None
            return TEXT
        return None
    finally:
        stream.seek(0)
