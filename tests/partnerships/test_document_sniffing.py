"""Content-type detection of agreement documents from their bytes (no database)."""

from __future__ import annotations

import io
import zipfile

import pytest

from partnerships.services._sniff import DOCX, ODT, PDF, TEXT, sniff_content_type


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


ODT_BYTES = _zip({"mimetype": ODT.encode(), "content.xml": b"<office:document/>"})
DOCX_BYTES = _zip({"word/document.xml": b"<w:document/>"})


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.pdf", b"%PDF-1.4\n...", PDF),
        ("a.PDF", b"%PDF-1.4\n...", PDF),
        ("a.docx", DOCX_BYTES, DOCX),
        ("a.odt", ODT_BYTES, ODT),
        ("notes.txt", "Šumadija — plain UTF-8".encode(), TEXT),
        ("a.txt", b"%PDF-1.4 pretending", None),  # PDF bytes under a text name
        ("a.pdf", b"plain words", None),
        ("a.odt", DOCX_BYTES, None),
        ("a.docx", ODT_BYTES, None),
        ("a.txt", b"binary\x00data", None),
        ("a.txt", b"\xff\xfe\xfa not utf-8 at all", None),
        ("a.exe", b"MZ\x90\x00", None),
        ("a.html", b"<html></html>", None),
    ],
)
def test_it_detects_the_type_from_bytes_and_name(name, content, expected):
    stream = io.BytesIO(content)
    assert sniff_content_type(stream, name) == expected
    assert stream.tell() == 0  # rewound for the caller
